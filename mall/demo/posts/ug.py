"""Posta Uganda's philatelic bureau (stamps.ug.post): mountain gorillas, the source of the
Nile and the Uganda Cowries of 1895, priced in shillings (which have no minor unit)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from mall.demo.content import ug as content
from mall.demo.specs import CollectionSpec, Country, Stationery, Subject, series
from mall.demo.specs import english_subject as _s


def _shillings(value: Decimal) -> str:
    return f"UGX {int(value):,}"


def _en(text: str) -> dict[str, str]:
    return {"en": text}


POST = {
    "code": "ug",
    "name": _en("Posta Uganda"),
    "shop_name": {"en": "Posta Uganda Philatelic Bureau",
                  "fr": "Bureau philatélique de Posta Uganda"},
    "tagline": {"en": "The Pearl of Africa on stamps", "fr": "La perle de l'Afrique en timbres"},
    "country_name": _en("Uganda"),
    "default_locale": "en",
    "locales": ["en"],
    "currency": "UGX",
    "community_id": "POST-UG-0001",
    "verified_at": datetime(2017, 2, 8, 7, 30, tzinfo=UTC),
    "primary_color": "#b5121b",
    "accent_color": "#fcdc04",
    "email": "philately@stamps.ug.post",
    "phone": "+256 414 255 511",
    "address": "General Post Office, 35 Kampala Road, Kampala, Uganda",
}

STATIONERY = Stationery(
    designers=("Sarah Nakato", "Joseph Ssempala", "Grace Atim", "Posta Uganda design team"),
    printers=(("Lowe-Martin", "Offset"), ("Cartor Security Printing", "Offset + hot foil"),
              ("Southern Colour Print", "Offset")),
    perforations=("14", "13½ × 13", "14 × 14½"),
    print_runs=(10_000, 50_000),
    rates={2011: ("700", "1100", "1700", "2500"), 2016: ("1200", "1800", "3000", "4800"),
           2021: ("1500", "2500", "4800", "6000"), 2024: ("1800", "3000", "4800", "9000")},
    face_value=_shillings,
    cover_charge=Decimal("2000"),
    price_step=Decimal("100"),
)


SUBJECTS: tuple[Subject, ...] = (
    _s("mountain-gorillas", ("fauna",), "Mountain gorillas of Bwindi",
       "Half of the world's mountain gorillas live in the Bwindi Impenetrable Forest.",
       stamps=4),
    _s("source-of-the-nile", ("landscapes", "history"), "Source of the Nile, Jinja",
       "150 years since John Hanning Speke reached the outflow of Lake Victoria in 1862.",
       year=2012, month=7),
    _s("murchison-falls", ("landscapes",), "Murchison Falls",
       "The Nile forces its way through a gorge seven metres wide."),
    _s("rwenzori", ("landscapes", "heritage"), "Rwenzori — Mountains of the Moon",
       "Glaciers on the equator and giant lobelias on Africa's highest range of mountains."),
    _s("grey-crowned-crane", ("birds",), "The grey crowned crane",
       "Uganda's national bird, on the flag and the coat of arms."),
    _s("shoebill", ("birds",), "The shoebill of Mabamba swamp",
       "The prehistoric-looking stork of the papyrus swamps of Lake Victoria."),
    _s("rwenzori-turaco", ("birds",), "Rwenzori turaco",
       "A jewel of the montane forests, green with crimson wings."),
    _s("sunbirds", ("birds", "flora"), "Sunbirds of Uganda",
       "Nectar feeders of gardens and forests, in shimmering colours.", stamps=4),
    _s("tree-climbing-lions", ("fauna",), "Tree-climbing lions of Ishasha",
       "The lions of Queen Elizabeth National Park that rest in fig trees."),
    _s("uganda-kob", ("fauna",), "The Uganda kob",
       "The antelope that stands beside the crane on the coat of arms."),
    _s("chimpanzees-kibale", ("fauna",), "Chimpanzees of Kibale",
       "Kibale Forest holds one of the densest chimpanzee populations in Africa."),
    _s("rothschild-giraffe", ("fauna",), "Rothschild's giraffe",
       "An endangered giraffe of Murchison Falls and Kidepo Valley."),
    _s("kidepo-valley", ("landscapes", "fauna"), "Kidepo Valley National Park",
       "Savannah and mountains in the far north-east, on the border with South Sudan."),
    # Translated by the post for collectors abroad: its best-selling issue.
    Subject("butterflies", ("fauna",),
            {"en": "Butterflies of Uganda", "fr": "Papillons d'Ouganda"},
            {"en": "More than 1,200 species, from the forest charaxes to the swallowtails.",
             "fr": "Plus de 1 200 espèces, des charaxes des forêts aux porte-queue."},
            stamps=6),
    _s("orchids", ("flora",), "Orchids of Uganda",
       "Epiphytic orchids of Mabira and Budongo forests."),
    _s("cichlids-lake-victoria", ("marine-life",), "Cichlids of Lake Victoria",
       "The colourful fish of Africa's largest lake."),
    _s("lake-bunyonyi", ("landscapes",), "Lake Bunyonyi",
       "The lake of little birds and its twenty-nine islands in Kabale."),
    _s("sipi-falls", ("landscapes",), "Sipi Falls",
       "Three waterfalls on the slopes of Mount Elgon, among coffee gardens."),
    _s("mount-elgon", ("landscapes",), "Mount Elgon",
       "An ancient volcano with one of the largest calderas in the world."),
    _s("kasubi-tombs", ("heritage", "architecture"), "Kasubi Tombs",
       "The thatched burial place of the Kabakas of Buganda, a World Heritage Site."),
    _s("bark-cloth", ("heritage", "art"), "Bark cloth making",
       "The Baganda craft of beating the bark of the mutuba tree into cloth."),
    _s("ankole-cattle", ("fauna", "heritage"), "Ankole longhorn cattle",
       "The long-horned cattle of the Bahima herders of western Uganda."),
    _s("coffee", ("flora", "heritage"), "Coffee of Uganda",
       "Robusta from the Lake Victoria basin and arabica from Mount Elgon."),
    _s("traditional-dances", ("music-dance",), "Traditional dances of Uganda",
       "Kiganda, runyege, larakaraka and ekitaguriro.", stamps=4),
    _s("royal-drums", ("music-dance", "heritage"), "Royal drums",
       "The drums that beat for kings and ceremonies."),
    _s("bahai-temple", ("architecture",), "Bahá'í House of Worship, Kikaya Hill",
       "The mother temple of Africa, completed in 1961 above Kampala."),
    _s("namirembe-cathedral", ("architecture", "history"), "Namirembe Cathedral",
       "The cathedral on Namirembe hill, consecrated in 1919."),
    _s("uganda-martyrs-50", ("history", "heritage"), "Uganda Martyrs — 50 years of sainthood",
       "The martyrs of 1885–1887, canonised in 1964, remembered at Namugongo every 3 June.",
       year=2014, month=6, day=3),
    _s("papal-visit-2015", ("history",), "Papal visit 2015",
       "Pope Francis at the Namugongo shrine, November 2015.", year=2015, month=11),
    _s("independence-50", ("history",), "Golden Jubilee of Independence",
       "Uganda became independent on 9 October 1962.", year=2012, month=10, day=9, sheet=True),
    _s("independence-60", ("history",), "Diamond Jubilee of Independence",
       "Sixty years of independence, 1962–2022.", year=2022, month=10, day=9,
       stamps=4),
    _s("uganda-cowries-125", ("upu", "history"), "125 years of the Uganda Cowries",
       "The first stamps of Uganda, typed at Mengo in 1895 and valued in cowrie shells.",
       year=2020, month=3, sheet=True),
    _s("upu-150", ("upu",), "150 years of the Universal Postal Union",
       "World Post Day 2024: the UPU's 150th anniversary.", year=2024, month=10, day=9),
    _s("papu-40", ("joint-issues", "upu"), "Pan-African Postal Union — 40 years",
       "PAPU, founded in 1980, unites the posts of Africa.", year=2020, month=1, day=18),
    _s("east-african-community", ("joint-issues", "history"),
       "East African Community — 20 years",
       "A joint issue with the partner states of the EAC.", year=2019, month=11),
    _s("kiprotich-london-2012", ("sport", "famous-people"),
       "Stephen Kiprotich — Olympic marathon champion",
       "Gold in the marathon at the London 2012 Olympic Games.", year=2012, month=9),
    _s("cheptegei-world-records", ("sport", "famous-people"), "Joshua Cheptegei",
       "World records over 5,000 and 10,000 metres in 2020.", year=2020, month=11),
    _s("the-cranes-afcon-2017", ("football",), "The Cranes at AFCON 2017",
       "Uganda back at the Africa Cup of Nations for the first time since 1978.",
       year=2017, month=1),
    _s("pearlafricasat-1", ("space",), "PearlAfricaSat-1",
       "Uganda's first satellite, launched in November 2022.", year=2022, month=11),
    _s("lake-victoria-ferries", ("transport",), "Transport on Lake Victoria",
       "Ferries and fishing boats linking the islands of Kalangala."),
    _s("meter-gauge-railway", ("transport", "history"), "Uganda's railway heritage",
       "Steam and diesel on the metre-gauge line to Kampala and Kasese."),
    *series("christmas", ("christmas",), _en("Christmas {year}"),
            _en("Season's greetings from Posta Uganda, with nativity scenes by Ugandan artists."),
            years=(2013, 2017, 2021, 2025), month=11),
)

COLLECTIONS = (
    CollectionSpec("primates-and-wildlife", _en("Gorillas and wildlife"),
                   _en("Gorillas, chimpanzees, lions, kobs and giraffes."), themes=("fauna",)),
    CollectionSpec("birds-of-uganda", _en("Birds of Uganda"),
                   _en("More than a thousand species: cranes, shoebills, turacos."),
                   themes=("birds",)),
    CollectionSpec("landscapes", _en("The Pearl of Africa"),
                   _en("Mountains, lakes, waterfalls and the Nile."), themes=("landscapes",)),
    CollectionSpec("culture-and-heritage", _en("Culture and heritage"),
                   _en("Kasubi, bark cloth, royal drums and dances."),
                   themes=("heritage", "music-dance", "art")),
    CollectionSpec("history-and-jubilees", _en("History and jubilees"),
                   _en("Independence, the Uganda Martyrs and postal history."),
                   themes=("history", "upu")),
    CollectionSpec("sport", _en("Sport"), _en("The Cranes and Uganda's runners."),
                   themes=("sport", "football")),
    CollectionSpec("christmas", _en("Christmas"), _en("Posta Uganda's Christmas stamps."),
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
