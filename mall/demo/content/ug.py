"""Pages and news of Posta Uganda's philatelic bureau."""

from __future__ import annotations

from datetime import date

from mall.demo.content import paragraphs as p
from mall.demo.specs import NewsSpec

HISTORY_EN = p(
    "## The Uganda Cowries, 1895",
    "Uganda's first stamps were made in 1895 at Mengo, the capital of Buganda, by the "
    "missionary Rev. Ernest Millar of the Church Missionary Society. He typed them one by one "
    "on a typewriter, on thin paper, with the letters U G and a value in cowrie shells, then "
    "the everyday currency. These “Uganda Cowries” are among the great rarities of African "
    "philately.",
    "In 1896 a second typewritten issue carried the letters V 96 R, for Victoria Regina, and "
    "from 1898 the Uganda Protectorate used printed stamps with the Queen's portrait and "
    "values in annas.",
    "## East Africa together",
    "From 1903 Uganda shared the stamps of the East Africa and Uganda Protectorates, then, "
    "from 1935, those of Kenya, Uganda and Tanganyika, inscribed KUT, issued by a common "
    "postal administration.",
    "## Independent Uganda",
    "Uganda issued its own stamps again at independence on 9 October 1962. Uganda Posts "
    "Limited, trading as Posta Uganda, was formed in 1998 when the posts and "
    "telecommunications were separated. Its stamps show the country's wildlife, landscapes "
    "and culture, and since 2002 every one of them is registered in the UPU's WNS.",
)

ABOUT_EN = p(
    "Posta Uganda is the designated postal operator of the Republic of Uganda, with post "
    "offices in every district and the General Post Office on Kampala Road.",
    "## The Philatelic Bureau",
    "The bureau issues Uganda's stamps and sells new issues, souvenir sheets, first day covers "
    "and earlier stamps to collectors at home and abroad.",
    "## Why buy here",
    "Every stamp in this shop is an official issue of Posta Uganda, registered with the "
    "Universal Postal Union. Orders are sent by registered mail with tracking.",
)

FAQ_EN = p(
    "## Are these official stamps?",
    "Yes. Every issue here is issued by Posta Uganda and registered in the UPU's WNS, with "
    "numbers such as UG004.21.",
    "## Why are there no cents in the prices?",
    "The Uganda shilling has no minor unit in use, so prices are whole shillings.",
    "## What does CTO mean?",
    "Cancelled to order: stamps postmarked by the post without having been used on mail, "
    "sold to collectors who like a postmark.",
    "## Do you ship abroad?",
    "Yes, worldwide by registered mail, with the CN22 or CN23 customs declaration.",
    "## Can I pay without a card?",
    "Yes, by bank transfer or at a post office counter with the payment reference of your "
    "order.",
)

PAGES = {
    "history": ({"en": "History of Ugandan stamps"}, {"en": HISTORY_EN}),
    "about": ({"en": "About Posta Uganda"}, {"en": ABOUT_EN}),
    "faq": ({"en": "Frequently asked questions"}, {"en": FAQ_EN}),
}

NEWS = (
    NewsSpec("christmas-2025", date(2025, 11, 20), {"en": "Christmas stamps 2025"},
             {"en": "This year's Christmas stamps show nativity scenes by Ugandan artists."}),
    NewsSpec("upu-150", date(2024, 10, 9), {"en": "150 years of the UPU"},
             {"en": "Posta Uganda joins posts worldwide in celebrating the Universal Postal "
                    "Union's 150th anniversary."}),
    NewsSpec("post-mall", date(2024, 6, 3), {"en": "Posta Uganda in the Post Mall"},
             {"en": "Collectors can now buy Ugandan stamps with those of other posts in a single "
                    "cart, and pay once in their own currency."}),
    NewsSpec("pearlafricasat-1", date(2022, 11, 28), {"en": "Uganda's first satellite"},
             {"en": "A stamp celebrates PearlAfricaSat-1, built by Ugandan engineers."}),
    NewsSpec("diamond-jubilee", date(2022, 10, 9), {"en": "Diamond Jubilee of Independence"},
             {"en": "A set of four stamps marks sixty years of independence."}),
    NewsSpec("uganda-cowries-125", date(2020, 3, 2), {"en": "125 years of the Uganda Cowries"},
             {"en": "A souvenir sheet honours the typewritten stamps of 1895."}),
)
