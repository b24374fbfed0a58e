"""The demo posts' shipping methods and tariffs, in each post's currency.

Prices are modelled on the posts' published tariffs (letter post up to 2 kg, parcels and EMS
up to 20 kg), rounded, and consistent with the face values of the demo's own stamps: a
Uruguayan letter abroad costs the $ 135 printed on the 2025 international stamp, a Dutch
one the € 2,05 "Internationaal" stamp. Not every post offers everything (PostNL no longer
sells EMS), and a few waive a method's price above a goods subtotal, as their shops do.

Upserted like the rest of the demo: methods by (post, slug), rates by (zone, weight band);
a second run changes nothing. Rates the tariff no longer lists are removed (orders copy the
price they paid, and keep the method, so no order points at a rate)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mall.columns import Translations
from mall.money import Money
from mall.posts.models import Post
from mall.shipping.models import ShippingKind, ShippingMethod, ShippingRate
from mall.shipping.zones import Zone

if TYPE_CHECKING:
    from mall.demo.seed import SeedReport

D, R, W = Zone.DOMESTIC, Zone.REGION, Zone.WORLD
LETTER, REGISTERED = ShippingKind.LETTER, ShippingKind.REGISTERED_LETTER
PARCEL, EMS = ShippingKind.PARCEL, ShippingKind.EMS

#: Method names and descriptions in every language the mall's buyers read: each demo post
#: translated its shipping for them. (Khmer descriptions are left to Cambodia Post: the
#: page falls back to English, with a note.)
NAMES: dict[ShippingKind, Translations] = {
    LETTER: {"en": "Ordinary letter", "es": "Carta común", "nl": "Brief", "fr": "Lettre simple",
             "pt": "Carta simples",
             "km": "សំបុត្រធម្មតា", "sw": "Barua ya kawaida"},
    REGISTERED: {"en": "Registered letter", "es": "Carta certificada",
                 "fr": "Lettre recommandée", "pt": "Carta registada",
                 "nl": "Aangetekende brief", "km": "សំបុត្រអនុសិដ្ឋ",
                 "sw": "Barua iliyosajiliwa"},
    PARCEL: {"en": "Parcel", "es": "Encomienda", "nl": "Pakket", "km": "កញ្ចប់ឥវ៉ាន់",
             "fr": "Colis", "pt": "Encomenda",
             "sw": "Kifurushi"},
    EMS: {"en": "EMS express", "es": "EMS (correo expreso)", "nl": "EMS express",
          "fr": "EMS express", "pt": "EMS expresso",
          "km": "EMS (អ៊ីអឹមអេស)", "sw": "EMS (huduma ya haraka)"},
}
DESCRIPTIONS: dict[ShippingKind, Translations] = {
    LETTER: {
        "en": "Untracked. Fine for single stamps and low-value sets.",
        "fr": "Sans suivi. Convient aux timbres isolés et aux séries de faible valeur.",
        "pt": "Sem rastreio. Adequada para selos avulsos e séries de pouco valor.",
        "es": "Sin seguimiento. Adecuada para sellos sueltos y series de poco valor.",
        "nl": "Zonder track & trace. Geschikt voor losse zegels en series van lage waarde.",
        "sw": "Bila ufuatiliaji. Inafaa kwa stempu moja moja na seti za thamani ndogo.",
    },
    REGISTERED: {
        "en": "Tracked with a UPU number and signed for on delivery.",
        "fr": "Suivi par un numéro UPU, remis contre signature.",
        "pt": "Com número de rastreio UPU e assinatura na entrega.",
        "es": "Con número de seguimiento y firma en la entrega.",
        "nl": "Met track & trace; de ontvanger tekent voor ontvangst.",
        "sw": "Inafuatiliwa kwa namba ya UPU na husainiwa wakati wa kupokea.",
    },
    PARCEL: {
        "en": "Tracked, in a box: for albums, covers in quantity and heavier orders.",
        "fr": "Suivi, en boîte : pour les albums, les enveloppes en nombre et les commandes "
              "lourdes.",
        "pt": "Com rastreio, em caixa: para álbuns, envelopes em quantidade e pedidos pesados.",
        "es": "Con seguimiento, en caja: para álbumes, sobres en cantidad y pedidos pesados.",
        "nl": "Met track & trace, in een doos: voor albums, veel enveloppen en zware orders.",
        "sw": "Inafuatiliwa, ndani ya boksi: kwa albamu na oda nzito.",
    },
    EMS: {
        "en": "Express Mail Service: the fastest way, tracked door to door.",
        "fr": "Express Mail Service : le plus rapide, suivi de porte à porte.",
        "pt": "Serviço expresso: o mais rápido, com rastreio de porta a porta.",
        "es": "Servicio expreso: el más rápido, con seguimiento puerta a puerta.",
        "nl": "Express Mail Service: het snelst, met track & trace van deur tot deur.",
        "sw": "Huduma ya haraka zaidi, inafuatiliwa hadi mlangoni.",
    },
}

#: Slugs by kind: the natural key of a method within its post.
SLUGS = {LETTER: "letter", REGISTERED: "registered", PARCEL: "parcel", EMS: "ems"}

#: (min days, max days) and (max weight in grams, price in major units) bands, per zone.
Tariff = dict[Zone, tuple[tuple[int, int], tuple[tuple[int, str], ...]]]


@dataclass(frozen=True)
class MethodSpec:
    kind: ShippingKind
    tariff: Tariff
    #: Goods subtotal (major units) from which the method is free; None: never.
    free_over: str | None = None


@dataclass(frozen=True)
class PostShipping:
    #: The post's languages besides English, for names and descriptions.
    languages: tuple[str, ...]
    methods: tuple[MethodSpec, ...]


M = MethodSpec
SHIPPING: dict[str, PostShipping] = {
    # Correo Uruguayo: 2025 face values $ 50 (domestic) … $ 135 (international).
    "uy": PostShipping(("es",), (
        M(LETTER, {
            D: ((2, 5), ((20, "50"), (100, "90"), (500, "180"), (2000, "390"))),
            R: ((7, 15), ((20, "100"), (50, "150"), (100, "210"), (250, "390"), (500, "640"),
                          (2000, "1450"))),
            W: ((10, 25), ((20, "135"), (50, "200"), (100, "280"), (250, "520"), (500, "860"),
                           (2000, "1950"))),
        }),
        M(REGISTERED, {
            D: ((2, 4), ((100, "160"), (500, "220"), (2000, "420"))),
            R: ((7, 12), ((100, "330"), (500, "760"), (2000, "1650"))),
            W: ((10, 20), ((100, "400"), (500, "950"), (2000, "2200"))),
        }, free_over="4000"),
        M(PARCEL, {
            D: ((2, 4), ((2000, "290"), (5000, "430"), (20000, "690"))),
            R: ((8, 15), ((1000, "1250"), (2000, "1700"), (5000, "2900"), (10000, "4800"),
                          (20000, "8400"))),
            W: ((12, 30), ((1000, "1650"), (2000, "2300"), (5000, "4300"), (10000, "7600"),
                           (20000, "13800"))),
        }),
        M(EMS, {
            R: ((3, 6), ((500, "1450"), (1000, "1700"), (2000, "2150"), (5000, "3600"),
                         (10000, "5900"), (20000, "10400"))),
            W: ((4, 8), ((500, "1800"), (1000, "2200"), (2000, "2900"), (5000, "5100"),
                         (10000, "8700"), (20000, "15600"))),
        }),
    )),
    # PostNL: 2025 stamps € 1,21 (Nederland) and € 2,05 (Internationaal); no EMS.
    "nl": PostShipping(("nl",), (
        M(LETTER, {
            D: ((1, 2), ((20, "1.21"), (50, "2.42"), (100, "3.63"), (350, "4.84"),
                         (2000, "7.26"))),
            R: ((3, 6), ((20, "2.05"), (50, "4.10"), (100, "6.15"), (250, "10.25"),
                         (500, "16.40"), (2000, "28.70"))),
            W: ((5, 10), ((20, "2.05"), (50, "4.10"), (100, "8.20"), (250, "14.35"),
                          (500, "24.60"), (2000, "41.00"))),
        }),
        M(REGISTERED, {
            D: ((1, 2), ((500, "9.95"), (2000, "10.95"))),
            R: ((3, 7), ((100, "12.95"), (500, "14.95"), (2000, "19.95"))),
            W: ((5, 12), ((100, "14.95"), (500, "17.95"), (2000, "24.95"))),
        }, free_over="100.00"),
        M(PARCEL, {
            D: ((1, 2), ((10000, "7.35"), (23000, "13.50"))),
            R: ((3, 6), ((2000, "15.50"), (5000, "21.95"), (10000, "27.95"), (20000, "37.95"))),
            W: ((6, 14), ((2000, "24.95"), (5000, "37.95"), (10000, "59.95"),
                          (20000, "99.95"))),
        }),
    )),
    # Cambodia Post: 2021 face values 2,500 … 8,000 riel.
    "kh": PostShipping(("km",), (
        M(LETTER, {
            D: ((3, 7), ((20, "2500"), (100, "5000"), (500, "12000"), (2000, "30000"))),
            R: ((7, 15), ((20, "3500"), (50, "6000"), (100, "10000"), (250, "20000"),
                          (500, "36000"), (2000, "98000"))),
            W: ((10, 25), ((20, "5000"), (50, "8800"), (100, "15000"), (250, "30000"),
                           (500, "54000"), (2000, "145000"))),
        }),
        M(REGISTERED, {
            D: ((3, 5), ((100, "8000"), (500, "14000"), (2000, "32000"))),
            R: ((7, 12), ((100, "16000"), (500, "42000"), (2000, "105000"))),
            W: ((10, 20), ((100, "22000"), (500, "62000"), (2000, "155000"))),
        }),
        M(PARCEL, {
            D: ((3, 6), ((2000, "12000"), (5000, "20000"), (20000, "48000"))),
            R: ((10, 20), ((1000, "62000"), (2000, "84000"), (5000, "150000"),
                           (10000, "260000"), (20000, "480000"))),
            W: ((15, 35), ((1000, "92000"), (2000, "130000"), (5000, "245000"),
                           (10000, "430000"), (20000, "800000"))),
        }),
        M(EMS, {
            D: ((1, 2), ((500, "12000"), (2000, "20000"))),
            R: ((3, 6), ((500, "80000"), (1000, "100000"), (2000, "140000"), (5000, "240000"),
                         (10000, "400000"), (20000, "720000"))),
            W: ((4, 9), ((500, "120000"), (1000, "150000"), (2000, "210000"),
                         (5000, "380000"), (10000, "650000"), (20000, "1200000"))),
        }),
    )),
    # Posta Uganda: 2024 face values USh 1,800 … 9,000.
    "ug": PostShipping((), (
        M(LETTER, {
            D: ((2, 5), ((20, "1800"), (100, "3000"), (500, "7500"), (2000, "18000"))),
            R: ((5, 12), ((20, "3000"), (50, "4800"), (100, "8000"), (250, "15000"),
                          (500, "26000"), (2000, "72000"))),
            W: ((8, 21), ((20, "4800"), (50, "7800"), (100, "13000"), (250, "25000"),
                          (500, "44000"), (2000, "120000"))),
        }),
        M(REGISTERED, {
            D: ((2, 4), ((100, "7000"), (500, "11000"), (2000, "22000"))),
            R: ((5, 10), ((100, "12000"), (500, "34000"), (2000, "80000"))),
            W: ((7, 15), ((100, "18000"), (500, "52000"), (2000, "130000"))),
        }),
        M(PARCEL, {
            D: ((2, 5), ((2000, "15000"), (5000, "25000"), (20000, "60000"))),
            R: ((7, 14), ((1000, "95000"), (2000, "120000"), (5000, "210000"),
                          (10000, "360000"), (20000, "650000"))),
            W: ((12, 30), ((1000, "160000"), (2000, "220000"), (5000, "420000"),
                           (10000, "740000"), (20000, "1350000"))),
        }),
        M(EMS, {
            R: ((2, 5), ((500, "110000"), (1000, "135000"), (2000, "180000"),
                         (5000, "320000"), (10000, "540000"), (20000, "980000"))),
            W: ((3, 7), ((500, "180000"), (1000, "220000"), (2000, "300000"),
                         (5000, "540000"), (10000, "920000"), (20000, "1700000"))),
        }),
    )),
    # BotswanaPost: 2024 face values P 6.30 … P 18.00.
    "bw": PostShipping((), (
        M(LETTER, {
            D: ((2, 5), ((20, "6.30"), (100, "9.50"), (500, "22.00"), (2000, "48.00"))),
            R: ((5, 12), ((20, "12.00"), (50, "18.00"), (100, "28.00"), (250, "52.00"),
                          (500, "88.00"), (2000, "210.00"))),
            W: ((8, 20), ((20, "18.00"), (50, "27.00"), (100, "42.00"), (250, "78.00"),
                          (500, "130.00"), (2000, "310.00"))),
        }),
        M(REGISTERED, {
            D: ((2, 4), ((100, "32.00"), (500, "38.00"), (2000, "60.00"))),
            R: ((5, 10), ((100, "55.00"), (500, "120.00"), (2000, "260.00"))),
            W: ((7, 14), ((100, "68.00"), (500, "165.00"), (2000, "360.00"))),
        }, free_over="1000.00"),
        M(PARCEL, {
            D: ((2, 5), ((2000, "55.00"), (5000, "85.00"), (20000, "180.00"))),
            R: ((6, 14), ((1000, "190.00"), (2000, "260.00"), (5000, "480.00"),
                          (10000, "820.00"), (20000, "1450.00"))),
            W: ((10, 25), ((1000, "320.00"), (2000, "450.00"), (5000, "850.00"),
                           (10000, "1480.00"), (20000, "2700.00"))),
        }),
        M(EMS, {
            R: ((2, 5), ((500, "280.00"), (1000, "340.00"), (2000, "450.00"),
                         (5000, "780.00"), (10000, "1300.00"), (20000, "2350.00"))),
            W: ((3, 7), ((500, "420.00"), (1000, "520.00"), (2000, "700.00"),
                         (5000, "1250.00"), (10000, "2150.00"), (20000, "3900.00"))),
        }),
    )),
    # Tanzania Posts Corporation: 2024 face values TSh 1,500 … 5,000.
    "tz": PostShipping(("sw",), (
        M(LETTER, {
            D: ((2, 5), ((20, "1500"), (100, "2500"), (500, "6000"), (2000, "14000"))),
            R: ((5, 12), ((20, "2500"), (50, "4000"), (100, "6500"), (250, "12000"),
                          (500, "21000"), (2000, "58000"))),
            W: ((8, 21), ((20, "3500"), (50, "5500"), (100, "9500"), (250, "18000"),
                          (500, "32000"), (2000, "88000"))),
        }, free_over="100000"),
        M(REGISTERED, {
            D: ((2, 4), ((100, "5000"), (500, "8000"), (2000, "16000"))),
            R: ((5, 10), ((100, "9500"), (500, "26000"), (2000, "64000"))),
            W: ((7, 15), ((100, "13500"), (500, "38000"), (2000, "95000"))),
        }),
        M(PARCEL, {
            D: ((2, 6), ((2000, "10000"), (5000, "18000"), (20000, "45000"))),
            R: ((7, 14), ((1000, "70000"), (2000, "95000"), (5000, "170000"),
                          (10000, "290000"), (20000, "520000"))),
            W: ((12, 30), ((1000, "95000"), (2000, "140000"), (5000, "270000"),
                           (10000, "480000"), (20000, "900000"))),
        }),
        M(EMS, {
            D: ((1, 2), ((500, "8000"), (2000, "15000"))),
            R: ((2, 5), ((500, "60000"), (1000, "75000"), (2000, "100000"), (5000, "180000"),
                         (10000, "310000"), (20000, "560000"))),
            W: ((3, 7), ((500, "85000"), (1000, "105000"), (2000, "145000"), (5000, "260000"),
                         (10000, "450000"), (20000, "820000"))),
        }),
    )),
}


def seed_shipping_methods(session: Session, post: Post, report: SeedReport) -> None:
    """Upsert `post`'s demo methods and rates (nothing for a post the demo has no tariff
    for). Flushes nothing itself: the new rates take their method's ids at the seed's flush."""
    spec = SHIPPING.get(post.code)
    if spec is None:
        return
    existing = {
        method.slug: method
        for method in session.scalars(
            select(ShippingMethod)
            .where(ShippingMethod.post_id == post.id)
            .options(selectinload(ShippingMethod.rates))
        )
    }
    languages = ("en", "es", "fr", "nl", "pt", *spec.languages)
    rates = 0
    for position, method_spec in enumerate(spec.methods):
        kind = method_spec.kind
        values = {
            "kind": kind,
            "name": {code: NAMES[kind][code] for code in languages},
            "description": {
                code: DESCRIPTIONS[kind][code] for code in languages if code in DESCRIPTIONS[kind]
            },
            "tracked": kind.tracked,
            "currency": post.currency,
            "free_over_minor": _minor(method_spec.free_over, post.currency),
            "packaging_g": None,
            "active": True,
            "position": position,
        }
        method = existing.get(SLUGS[kind])
        if method is None:
            method = ShippingMethod(post_id=post.id, slug=SLUGS[kind], **values)
            session.add(method)
            report.created += 1
        else:
            _apply(method, values, report)
        rates += _seed_rates(method, method_spec.tariff, post.currency, report)
    report.saw("shipping methods", len(spec.methods))
    report.saw("shipping rates", rates)


def _seed_rates(method: ShippingMethod, tariff: Tariff, currency: str, report: SeedReport) -> int:
    wanted = {
        (zone, max_g): {
            "price_minor": _minor(price, currency),
            "min_days": days[0],
            "max_days": days[1],
        }
        for zone, (days, bands) in tariff.items()
        for max_g, price in bands
    }
    have = {(rate.zone, rate.max_weight_g): rate for rate in method.rates}
    for key, values in wanted.items():
        if key in have:
            _apply(have[key], values, report)
        else:
            method.rates.append(ShippingRate(zone=key[0], max_weight_g=key[1], **values))
            report.created += 1
    for key in have.keys() - wanted.keys():
        method.rates.remove(have[key])
        report.updated += 1
    return len(wanted)


def _minor(price: str | None, currency: str) -> int | None:
    return None if price is None else Money.from_decimal(Decimal(price), currency).amount


def _apply(obj: Any, values: Mapping[str, Any], report: SeedReport) -> None:
    """Write only the fields that differ, so an unchanged row stays clean (no UPDATE)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        report.updated += 1
