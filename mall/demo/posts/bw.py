"""BotswanaPost's philatelic bureau (stamps.bw.post): the Okavango, San rock art, diamonds and
the Zebras, priced in pula and thebe."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from mall.demo.content import bw as content
from mall.demo.specs import CollectionSpec, Country, Stationery, Subject, series
from mall.demo.specs import english_subject as _s


def _pula(value: Decimal) -> str:
    return f"P {value:.2f}"


def _en(text: str) -> dict[str, str]:
    return {"en": text}


POST = {
    "code": "bw",
    "name": _en("BotswanaPost"),
    "shop_name": {"en": "BotswanaPost Philatelic Bureau",
                  "fr": "Bureau philatélique de BotswanaPost"},
    "tagline": {"en": "Stamps from the land of the Okavango",
                "fr": "Les timbres du pays de l'Okavango"},
    "country_name": _en("Botswana"),
    "default_locale": "en",
    "locales": ["en"],
    "currency": "BWP",
    "community_id": "POST-BW-0001",
    "verified_at": datetime(2017, 9, 12, 8, 0, tzinfo=UTC),
    "primary_color": "#0f4c81",
    "accent_color": "#75aadb",
    "email": "philately@stamps.bw.post",
    "phone": "+267 368 1000",
    "address": "BotswanaPost Head Office, Private Bag 00100, Gaborone, Botswana",
}

STATIONERY = Stationery(
    designers=("Kagiso Mokgosi", "Neo Sebina", "Thato Kgosi", "Lesego Ramatlhakwana",
               "BotswanaPost design unit"),
    printers=(("Cartor Security Printing", "Offset"), ("Lowe-Martin", "Offset + hot foil"),
              ("Southern Colour Print", "Offset")),
    perforations=("13¼", "14 × 13½", "13"),
    print_runs=(8_000, 30_000),
    rates={2011: ("3.30", "5.20", "6.30", "8.50"), 2016: ("4.10", "6.30", "8.50", "10.00"),
           2020: ("5.20", "8.40", "12.00", "15.00"), 2024: ("6.30", "9.50", "12.00", "18.00")},
    face_value=_pula,
    cover_charge=Decimal("5"),
    price_step=Decimal("0.50"),
)

SUBJECTS: tuple[Subject, ...] = (
    _s("okavango-world-heritage", ("landscapes", "heritage"),
       "Okavango Delta — World Heritage",
       "In 2014 the Okavango Delta became the thousandth site on the World Heritage List.",
       year=2014, month=9, sheet=True),
    _s("tsodilo-hills", ("heritage", "art"), "Tsodilo Hills",
       "More than 4,500 rock paintings in the “Mountains of the Gods” of the San."),
    _s("san-rock-art", ("art", "history"), "San rock art",
       "Eland, giraffe and dancers painted by the San over thousands of years.", stamps=4),
    _s("jwaneng-diamonds", ("minerals",), "Diamonds of Jwaneng",
       "The richest diamond mine in the world by value, opened in 1982."),
    _s("orapa-50", ("minerals", "history"), "Orapa mine — 50 years",
       "Botswana's first diamond mine started production in 1971.", year=2021, month=7),
    _s("debswana-50", ("minerals",), "Debswana — 50 years",
       "The partnership of the Government of Botswana and De Beers, founded in 1969.",
       year=2019, month=6),
    _s("makgadikgadi-flamingos", ("birds", "landscapes"), "Flamingos of the Makgadikgadi",
       "When the rains fill Sua Pan, tens of thousands of flamingos come to breed."),
    _s("zebra-migration", ("fauna",), "The zebra migration",
       "Botswana's national animal on Southern Africa's longest land migration.", stamps=4),
    _s("kori-bustard", ("birds",), "The kori bustard",
       "The national bird, one of the heaviest flying birds in the world."),
    _s("african-fish-eagle", ("birds",), "African fish eagle",
       "The call of the fish eagle over the Chobe and Okavango rivers."),
    _s("lilac-breasted-roller", ("birds",), "Lilac-breasted roller",
       "A flash of lilac and turquoise over the savannah."),
    _s("lake-ngami-birds", ("birds",), "Birds of Lake Ngami",
       "Pelicans, storks and ducks on the lake that Livingstone reached in 1849.", stamps=6),
    _s("chobe-elephants", ("fauna",), "Elephants of Chobe",
       "Botswana is home to the largest elephant population in Africa."),
    _s("african-wild-dog", ("fauna",), "The African wild dog",
       "Northern Botswana holds one of the last strongholds of the painted wolf."),
    _s("kalahari-cheetah", ("fauna",), "Cheetahs of the Kalahari",
       "The fastest land animal on the red dunes of the south-west."),
    _s("pangolin", ("fauna",), "The ground pangolin", "A shy, scaled and protected anteater."),
    _s("snakes", ("fauna",), "Snakes of Botswana",
       "From the Mozambique spitting cobra to the harmless house snake.", stamps=4),
    _s("butterflies", ("fauna", "flora"), "Butterflies of Botswana",
       "Butterflies of the Okavango and the Kalahari.", stamps=4),
    _s("khama-rhino-sanctuary", ("fauna",), "Khama Rhino Sanctuary",
       "A community reserve near Serowe bringing rhinos back to Botswana."),
    _s("tigerfish", ("marine-life",), "Tigerfish of the Okavango",
       "The fierce game fish of the delta's channels."),
    _s("central-kalahari", ("landscapes",), "Central Kalahari Game Reserve",
       "One of the largest game reserves in the world, in the heart of the Kalahari."),
    _s("baines-baobabs", ("flora", "landscapes"), "Baines' Baobabs",
       "The trees painted by Thomas Baines in 1862 on the edge of Kudiakam Pan."),
    _s("mophane", ("flora", "fauna"), "The mophane tree",
       "Butterfly-shaped leaves and the mophane worm, a prized food."),
    _s("morama-bean", ("flora",), "Morama and veld foods",
       "Morama beans, wild melons and other foods of the Kalahari."),
    _s("sorghum-millet", ("flora", "heritage"), "Traditional crops",
       "Sorghum and millet, the grains of Botswana's farms."),
    _s("okavango-baskets", ("art", "heritage"), "Baskets of the Okavango",
       "Palm baskets woven by the women of Etsha and Gumare.", stamps=4),
    _s("mokoro", ("transport",), "The mokoro",
       "The dugout canoe poled through the channels of the delta."),
    _s("railway-heritage", ("transport", "history"), "Railway heritage",
       "The line from Mafikeng to Bulawayo, built through Bechuanaland in 1897."),
    _s("three-dikgosi", ("history", "famous-people"), "The Three Dikgosi",
       "Khama III, Sebele I and Bathoen I, who travelled to London in 1895 to protect their "
       "land."),
    _s("seretse-khama-100", ("famous-people", "history"), "Sir Seretse Khama — centenary",
       "The first President of Botswana was born on 1 July 1921.", year=2021, month=7, day=1),
    _s("independence-45", ("history",), "45 years of independence",
       "Botswana became independent on 30 September 1966.", year=2011, month=9, day=30),
    _s("independence-50", ("history",), "Golden Jubilee of Independence",
       "Fifty years of the Republic of Botswana, 1966–2016.",
       year=2016, month=9, day=30, sheet=True),
    _s("independence-60", ("history",), "Diamond Jubilee of Independence",
       "Sixty years of the Republic of Botswana, 1966–2026.", year=2026, month=9, day=30),
    _s("kgotla", ("heritage", "history"), "The kgotla",
       "The traditional assembly where the community meets and decides."),
    _s("traditional-dances", ("music-dance",), "Traditional dances",
       "Setapa, phathisi and hosana dances.", stamps=4),
    _s("maitisong-festival", ("festivals", "music-dance"), "Maitisong Festival",
       "Gaborone's festival of music, theatre and dance."),
    _s("domboshaba-festival", ("festivals", "heritage"), "Domboshaba Festival",
       "A festival of culture and history near the Domboshaba ruins."),
    _s("amantle-montsho", ("sport", "famous-people"), "Amantle Montsho — world champion",
       "World champion over 400 metres in Daegu, 2011.", year=2011, month=11),
    _s("nijel-amos", ("sport", "famous-people"), "Nijel Amos — Olympic silver",
       "Botswana's first Olympic medal, in the 800 metres at London 2012.",
       year=2012, month=10),
    _s("letsile-tebogo", ("sport", "famous-people"), "Letsile Tebogo — Olympic champion",
       "Gold in the 200 metres at Paris 2024, Botswana's first Olympic title.",
       year=2024, month=9, sheet=True),
    _s("zebras-afcon-2012", ("football",), "The Zebras at AFCON 2012",
       "Botswana's first Africa Cup of Nations.", year=2012, month=1),
    _s("botsat-1", ("space",), "BOTSAT-1",
       "Botswana's first satellite, built with the Botswana International University of "
       "Science and Technology.", year=2025, month=5),
    _s("sadc-40", ("joint-issues",), "SADC — 40 years",
       "A joint issue for the Southern African Development Community, founded in 1980.",
       year=2020, month=8),
    _s("upu-150", ("upu",), "150 years of the Universal Postal Union",
       "World Post Day 2024.", year=2024, month=10, day=9),
    _s("day-of-the-african-child", ("children",), "Day of the African Child",
       "Children's drawings of their homes and families."),
    *series("christmas", ("christmas",), _en("Christmas {year}"),
            _en("Christmas greetings from BotswanaPost."),
            years=(2013, 2016, 2019, 2022, 2025), month=11),
)

COLLECTIONS = (
    CollectionSpec("okavango-and-kalahari", _en("The Okavango and the Kalahari"),
                   _en("Delta, pans, desert and baobabs."), themes=("landscapes", "flora")),
    CollectionSpec("wildlife", _en("Wildlife"),
                   _en("Elephants, zebras, wild dogs, cheetahs and rhinos."),
                   themes=("fauna", "marine-life")),
    CollectionSpec("birds", _en("Birds"), _en("Bustards, rollers, eagles and flamingos."),
                   themes=("birds",)),
    CollectionSpec("diamonds", _en("Diamonds"), _en("The mines that built modern Botswana."),
                   themes=("minerals",)),
    CollectionSpec("culture-and-history", _en("Culture and history"),
                   _en("Rock art, baskets, the kgotla and national jubilees."),
                   themes=("history", "heritage", "art", "music-dance")),
    CollectionSpec("sport", _en("Sport"), _en("Botswana's runners and the Zebras."),
                   themes=("sport", "football")),
    CollectionSpec("christmas", _en("Christmas"), _en("BotswanaPost's Christmas stamps."),
                   themes=("christmas",)),
)

COUNTRY = Country(
    post=POST,
    stationery=STATIONERY,
    subjects=SUBJECTS,
    collections=COLLECTIONS,
    pages=content.PAGES,
    news=content.NEWS,
)
