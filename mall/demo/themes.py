"""The themes shared by every post's issues: the words a collector searches the whole mall by
("birds", "football"), named in the mall's interface languages."""

from __future__ import annotations

from mall.columns import Translations


def _t(en: str, es: str, fr: str, nl: str) -> Translations:
    return {"en": en, "es": es, "fr": fr, "nl": nl}


THEMES: dict[str, Translations] = {
    "architecture": _t("Architecture", "Arquitectura", "Architecture", "Architectuur"),
    "art": _t("Art & painting", "Arte y pintura", "Art et peinture", "Kunst en schilderkunst"),
    "birds": _t("Birds", "Aves", "Oiseaux", "Vogels"),
    "carnival": _t("Carnival", "Carnaval", "Carnaval", "Carnaval"),
    "children": _t("Children", "Infancia", "Enfance", "Kinderen"),
    "christmas": _t("Christmas", "Navidad", "Noël", "Kerstmis"),
    "famous-people": _t("Famous people", "Personalidades", "Personnalités", "Beroemde personen"),
    "fauna": _t("Wildlife", "Fauna", "Faune", "Dieren"),
    "festivals": _t(
        "Festivals & traditions", "Fiestas y tradiciones", "Fêtes et traditions",
        "Feesten en tradities",
    ),
    "flora": _t("Flowers & plants", "Flora", "Flore", "Bloemen en planten"),
    "football": _t("Football", "Fútbol", "Football", "Voetbal"),
    "heritage": _t("Heritage", "Patrimonio", "Patrimoine", "Erfgoed"),
    "history": _t("History", "Historia", "Histoire", "Geschiedenis"),
    "joint-issues": _t(
        "Joint issues (Europa, UPAEP, PAPU)", "Emisiones conjuntas (Europa, UPAEP, PAPU)",
        "Émissions communes (Europa, UPAEP, PAPU)", "Gezamenlijke uitgiften (Europa, UPAEP, PAPU)",
    ),
    "landscapes": _t("Landscapes", "Paisajes", "Paysages", "Landschappen"),
    "marine-life": _t("Marine & river life", "Vida acuática", "Vie aquatique", "Waterleven"),
    "minerals": _t("Minerals & gems", "Minerales y gemas", "Minéraux et gemmes",
                   "Mineralen en edelstenen"),
    "music-dance": _t("Music & dance", "Música y danza", "Musique et danse", "Muziek en dans"),
    "space": _t("Space", "Espacio", "Espace", "Ruimtevaart"),
    "sport": _t("Sport", "Deportes", "Sport", "Sport"),
    "transport": _t("Transport", "Transporte", "Transports", "Vervoer"),
    "upu": _t("UPU & postal history", "UPU e historia postal", "UPU et histoire postale",
              "UPU en postgeschiedenis"),
}
