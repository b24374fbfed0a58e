"""Pages and news of BotswanaPost's philatelic bureau."""

from __future__ import annotations

from datetime import date

from mall.demo.content import paragraphs as p
from mall.demo.specs import NewsSpec

HISTORY_EN = p(
    "## Bechuanaland",
    "The first stamps used in what is now Botswana were the stamps of the Cape of Good Hope "
    "overprinted “British Bechuanaland” in 1885, for the crown colony south of the Molopo "
    "river. From 1888 the Bechuanaland Protectorate, to the north, had stamps of its own: "
    "first overprints on British Bechuanaland and Great Britain stamps, then, from 1932, its "
    "own designs with cattle at a water hole beneath a baobab tree.",
    "The Protectorate's postal service was run from Mafeking, outside its own borders, until "
    "shortly before independence, when the administration moved to the new capital, "
    "Gaborone.",
    "## The Republic of Botswana",
    "On 30 September 1966 Bechuanaland became the Republic of Botswana and issued its first "
    "stamps under the new name. When the pula replaced the rand on 23 August 1976, stamps "
    "were surcharged in thebe and pula until new printings arrived.",
    "## BotswanaPost",
    "BotswanaPost was established as a separate corporation in 1989. Its stamps tell the "
    "story of the Okavango and the Kalahari, of the San and their rock art, of diamonds and of "
    "the nation's athletes; since 2002 each one is registered in the UPU's WNS.",
)

ABOUT_EN = p(
    "BotswanaPost is the national postal operator of Botswana, with post offices and postal "
    "agencies from Gaborone to Maun and Kasane.",
    "## The Philatelic Bureau",
    "The bureau designs the national stamp programme, works with printers abroad and keeps "
    "Botswana's stamps available to collectors long after their issue date.",
    "## Shipping",
    "We send orders by registered mail or EMS to every country, with customs declarations for "
    "parcels leaving the Southern African Customs Union.",
)

FAQ_EN = p(
    "## Are stamps sold at face value?",
    "Mint stamps and souvenir sheets are sold at face value. First day covers and "
    "presentation packs include the cost of the cover or folder.",
    "## What are pula and thebe?",
    "The pula (P) is Botswana's currency, divided into 100 thebe (t). Pula means “rain” in "
    "Setswana.",
    "## What is the WNS number?",
    "The UPU's registration number of a stamp, such as BW007.16. It guarantees an official "
    "issue of BotswanaPost.",
    "## Do you ship abroad?",
    "Yes. Orders travel by registered mail or EMS with a CN22 or CN23 customs declaration.",
    "## Can I pay without a card?",
    "Yes, by bank transfer or at a post office counter with the payment reference of your "
    "order.",
)

PAGES = {
    "history": ({"en": "History of Botswana's stamps"}, {"en": HISTORY_EN}),
    "about": ({"en": "About BotswanaPost"}, {"en": ABOUT_EN}),
    "faq": ({"en": "Frequently asked questions"}, {"en": FAQ_EN}),
}

NEWS = (
    NewsSpec("independence-60", date(2026, 9, 30), {"en": "Diamond Jubilee of Independence"},
             {"en": "Sixty years of the Republic of Botswana on a new issue."}),
    NewsSpec("botsat-1", date(2025, 5, 12), {"en": "BOTSAT-1 on stamps"},
             {"en": "A stamp celebrates Botswana's first satellite."}),
    NewsSpec("letsile-tebogo", date(2024, 9, 2), {"en": "Olympic champion Letsile Tebogo"},
             {"en": "A souvenir sheet honours Botswana's first Olympic gold medal."}),
    NewsSpec("post-mall", date(2024, 5, 6), {"en": "BotswanaPost in the Post Mall"},
             {"en": "Buy Botswana's stamps together with other posts' stamps, in one cart with "
                    "one payment."}),
    NewsSpec("seretse-khama-100", date(2021, 7, 1), {"en": "Sir Seretse Khama centenary"},
             {"en": "New stamps for the centenary of the first President."}),
    NewsSpec("okavango-1000th-site", date(2014, 9, 1),
             {"en": "The Okavango on the World Heritage List"},
             {"en": "A souvenir sheet marks the inscription of the Okavango Delta, the "
                    "thousandth World Heritage Site."}),
)
