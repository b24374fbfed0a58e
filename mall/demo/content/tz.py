"""Pages and news of Tanzania Posts Corporation's stamp shop, in Kiswahili and English."""

from __future__ import annotations

from datetime import date

from mall.demo.content import paragraphs as p
from mall.demo.specs import NewsSpec

HISTORY_SW = p(
    "## Mwanzo: Afrika Mashariki ya Kijerumani na Zanzibar",
    "Stempu za kwanza katika eneo la Tanzania Bara zilikuwa za Afrika Mashariki ya "
    "Kijerumani (Deutsch-Ostafrika), zilizotumika kuanzia mwaka 1893. Zanzibar ilikuwa na "
    "stempu zake kuanzia mwaka 1895.",
    "## Tanganyika na KUT",
    "Baada ya Vita vya Kwanza vya Dunia, eneo hilo likawa Tanganyika, na mwaka 1922 "
    "zilitolewa stempu zenye picha ya kichwa cha twiga. Kuanzia mwaka 1935 Kenya, Uganda na "
    "Tanganyika zilitumia stempu za pamoja zenye herufi KUT, chini ya utawala mmoja wa posta "
    "wa Afrika Mashariki.",
    "## Uhuru na Muungano",
    "Tanganyika ilitoa stempu za uhuru tarehe 9 Desemba 1961. Baada ya Muungano wa tarehe 26 "
    "Aprili 1964, stempu zilibeba jina la Tanganyika na Zanzibar, na kisha Tanzania. Shirika "
    "la Posta Tanzania lilianzishwa mwaka 1994, na tangu 2002 kila stempu husajiliwa katika "
    "mfumo wa WNS wa Umoja wa Posta Duniani.",
)

HISTORY_EN = p(
    "## Beginnings: German East Africa and Zanzibar",
    "The first stamps used in what is now mainland Tanzania were those of German East Africa "
    "(Deutsch-Ostafrika), in use from 1893. Zanzibar had its own stamps from 1895.",
    "## Tanganyika and KUT",
    "After the First World War the territory became Tanganyika, and in 1922 it issued stamps "
    "showing a giraffe's head. From 1935 Kenya, Uganda and Tanganyika shared stamps inscribed "
    "KUT, under a common East African postal administration.",
    "## Independence and Union",
    "Tanganyika issued independence stamps on 9 December 1961. After the Union of 26 April "
    "1964, stamps carried the names of Tanganyika and Zanzibar, then Tanzania. Tanzania Posts "
    "Corporation was established in 1994, and since 2002 every stamp has been registered in "
    "the Universal Postal Union's WNS.",
)

ABOUT_SW = p(
    "Shirika la Posta Tanzania ni mtoa huduma wa posta wa taifa, lenye ofisi za posta katika "
    "kila mkoa wa Tanzania Bara na Zanzibar.",
    "## Duka la Stempu",
    "Tunauza stempu mpya, karatasi za kumbukumbu, bahasha za siku ya kwanza na stempu za "
    "zamani kwa bei ya thamani yake, na tunatuma kwa posta ya rejista duniani kote.",
)

ABOUT_EN = p(
    "Tanzania Posts Corporation is the national postal operator, with post offices in every "
    "region of mainland Tanzania and Zanzibar.",
    "## The Stamp Shop",
    "We sell new stamps, souvenir sheets, first day covers and earlier issues at face value, "
    "and send them worldwide by registered mail.",
)

FAQ_SW = p(
    "## Je, stempu zinauzwa kwa thamani yake?",
    "Ndiyo. Stempu mpya zinauzwa kwa thamani iliyoandikwa juu yake; bahasha za siku ya kwanza "
    "zinajumuisha gharama ya bahasha.",
    "## Namba ya WNS ni nini?",
    "Ni namba ambayo Umoja wa Posta Duniani husajili kila stempu, kwa mfano TZ004.24.",
    "## Je, mnatuma nje ya nchi?",
    "Ndiyo, kwa nchi zote, pamoja na tamko la forodha CN22 au CN23.",
    "## Naweza kulipa bila kadi?",
    "Ndiyo. Unaweza kulipa kwa uhamisho wa benki au kwenye dirisha la posta kwa kutumia namba "
    "ya kumbukumbu ya malipo.",
)

FAQ_EN = p(
    "## Are stamps sold at face value?",
    "Yes. New stamps are sold at the value printed on them; first day covers include the cost "
    "of the cover.",
    "## What is the WNS number?",
    "The number under which the Universal Postal Union registers each stamp, e.g. TZ004.24.",
    "## Do you ship abroad?",
    "Yes, to every country, with a CN22 or CN23 customs declaration.",
    "## Can I pay without a card?",
    "Yes. Pay by bank transfer or at a post office counter with your payment reference.",
)

PAGES = {
    "history": ({"sw": "Historia ya stempu za Tanzania", "en": "History of Tanzanian stamps"},
                {"sw": HISTORY_SW, "en": HISTORY_EN}),
    "about": ({"sw": "Kuhusu sisi", "en": "About us"}, {"sw": ABOUT_SW, "en": ABOUT_EN}),
    "faq": ({"sw": "Maswali yanayoulizwa mara kwa mara", "en": "Frequently asked questions"},
            {"sw": FAQ_SW, "en": FAQ_EN}),
}

NEWS = (
    NewsSpec("tazara-50", date(2025, 7, 14),
             {"sw": "Stempu za miaka 50 ya TAZARA", "en": "TAZARA 50 years stamps"},
             {"sw": "Toleo jipya linaadhimisha reli ya Tanzania na Zambia.",
              "en": "A new issue celebrates the Tanzania–Zambia railway."}),
    NewsSpec("union-60", date(2024, 4, 26),
             {"sw": "Miaka 60 ya Muungano", "en": "60 years of the Union"},
             {"sw": "Stempu za kumbukumbu za Muungano wa Tanganyika na Zanzibar.",
              "en": "Commemorative stamps for the Union of Tanganyika and Zanzibar."}),
    NewsSpec("post-mall", date(2024, 3, 11),
             {"sw": "Duka letu sasa liko kwenye Post Mall", "en": "Our shop joins the Post Mall"},
             {"sw": "Nunua stempu za Tanzania pamoja na za posta nyingine, kwa malipo mamoja.",
              "en": "Buy Tanzanian stamps together with other posts' stamps, with one payment."}),
    NewsSpec("nyerere-100", date(2022, 4, 13),
             {"sw": "Miaka 100 ya Mwalimu Nyerere", "en": "Mwalimu Nyerere centenary"},
             {"sw": "Karatasi ya kumbukumbu kwa heshima ya Baba wa Taifa.",
              "en": "A souvenir sheet in honour of the Father of the Nation."}),
    NewsSpec("kiswahili-day", date(2022, 7, 7),
             {"sw": "Siku ya Kiswahili Duniani", "en": "World Kiswahili Language Day"},
             {"sw": "Stempu mpya kusherehekea lugha ya Kiswahili.",
              "en": "A new stamp celebrates the Kiswahili language."}),
    NewsSpec("papu-40", date(2020, 1, 18),
             {"sw": "PAPU yatimiza miaka 40", "en": "PAPU turns 40"},
             {"sw": "Umoja wa Posta wa Afrika, wenye makao makuu Arusha, unaadhimisha miaka 40.",
              "en": "The Pan-African Postal Union, based in Arusha, celebrates 40 years."}),
)
