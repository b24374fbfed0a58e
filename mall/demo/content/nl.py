"""Pages and news of PostNL's Postzegelwinkel."""

from __future__ import annotations

from datetime import date

from mall.demo.content import paragraphs as p
from mall.demo.specs import NewsSpec

HISTORY_NL = p(
    "## De eerste postzegels: 1852",
    "Op 1 januari 1852 kwamen de eerste Nederlandse postzegels uit: 5, 10 en 15 cent, met "
    "het portret van koning Willem III. Ze werden gedrukt bij 's Rijks Munt in Utrecht en "
    "waren nog ongetand: de postbeambte knipte ze met een schaar van het vel.",
    "Vanaf de jaren 1860 drukte Joh. Enschedé in Haarlem de Nederlandse postzegels, een "
    "samenwerking die ruim anderhalve eeuw duurde. In 1874 was Nederland een van de landen "
    "die in Bern de Algemene Postunie oprichtten, de latere Wereldpostunie (UPU).",
    "## Een traditie van vormgeving",
    "In de jaren twintig begon de PTT met een bewust esthetisch beleid. Onder J.F. van Royen "
    "kregen kunstenaars als Piet Zwart en Paul Schuitema opdrachten, en de postzegel werd een "
    "visitekaartje van Nederlandse vormgeving. Die lijn loopt door tot de Dutch Design van "
    "nu.",
    "## Van PTT tot PostNL",
    "De staatsdienst PTT werd in 1989 verzelfstandigd; na KPN, TPG Post en TNT Post heet het "
    "postbedrijf sinds 2011 PostNL. Tegenwoordig dragen de meeste zegels geen bedrag meer maar "
    "een waardeaanduiding, 1 of Internationaal, die altijd geldig blijft.",
)

HISTORY_EN = p(
    "## The first stamps: 1852",
    "On 1 January 1852 the first Dutch stamps appeared: 5, 10 and 15 cents, with the portrait "
    "of King William III. They were printed at the State Mint in Utrecht and were still "
    "imperforate: post office clerks cut them from the sheet with scissors.",
    "From the 1860s Joh. Enschedé in Haarlem printed the Dutch stamps, a partnership that lasted "
    "more than a century and a half. In 1874 the Netherlands was among the countries that "
    "founded the General Postal Union in Bern, later the Universal Postal Union (UPU).",
    "## A tradition of design",
    "In the 1920s the PTT began a deliberate design policy. Under J.F. van Royen artists such "
    "as Piet Zwart and Paul Schuitema were commissioned, and the stamp became a calling card "
    "of Dutch design, a line that runs on to the Dutch Design of today.",
    "## From PTT to PostNL",
    "The state PTT became an independent company in 1989; after KPN, TPG Post and TNT Post the "
    "postal company has been called PostNL since 2011. Today most stamps carry no amount "
    "but a value indicator, 1 or Internationaal, that stays valid for ever.",
)

ABOUT_NL = p(
    "PostNL bezorgt elke werkdag post en pakketten in heel Nederland en verbindt Nederland met "
    "de rest van de wereld.",
    "## Filatelie bij PostNL",
    "Elk jaar verschijnen tientallen nieuwe postzegels en velletjes. Ontwerpers kiezen we per "
    "uitgifte, in samenwerking met musea, natuurorganisaties en fondsen zoals Kinderpostzegels.",
    "## De Postzegelwinkel",
    "Hier vindt u nieuwe uitgiften, velletjes, postzegelboekjes, eerstedagenveloppen en "
    "mapjes. Wij versturen wereldwijd, aangetekend en met track & trace.",
)

ABOUT_EN = p(
    "PostNL delivers mail and parcels throughout the Netherlands every working day and links "
    "the Netherlands with the rest of the world.",
    "## Philately at PostNL",
    "Dozens of new stamps and sheetlets appear every year. Designers are chosen issue by issue, "
    "working with museums, nature organisations and charities such as Kinderpostzegels.",
    "## The Stamp Shop",
    "Here you will find new issues, sheetlets, stamp booklets, first day covers and "
    "presentation packs. We ship worldwide, registered and tracked.",
)

FAQ_NL = p(
    "## Wat betekent de waardeaanduiding 1?",
    "Een zegel met een 1 is altijd geldig voor een brief tot 20 gram binnen Nederland, ook als "
    "het tarief stijgt. Voor de winkel rekenen we het tarief van de uitgiftedatum.",
    "## Wat is een velletje?",
    "De meeste uitgiften verschijnen als velletje van tien zegels, vaak met vijf of tien "
    "verschillende ontwerpen. U koopt het velletje in zijn geheel.",
    "## Wat is het WNS-nummer?",
    "Het nummer waaronder de Wereldpostunie een zegel registreert, zoals NL012.24. Zo weet u "
    "zeker dat het een officiële uitgifte is.",
    "## Versturen jullie naar het buitenland?",
    "Ja, naar alle landen. Zendingen buiten de EU krijgen een douaneverklaring CN22 of CN23.",
    "## Hoe kan ik betalen?",
    "Met creditcard, per bankoverschrijving of aan het loket met het betalingskenmerk dat u "
    "bij uw bestelling krijgt.",
)

FAQ_EN = p(
    "## What does the value indicator 1 mean?",
    "A stamp marked 1 is always valid for a letter up to 20 grams within the Netherlands, even "
    "after rates go up. The shop charges the rate of the issue date.",
    "## What is a sheetlet?",
    "Most issues come as a sheetlet of ten stamps, often with five or ten different designs. "
    "The sheetlet is sold whole.",
    "## What is the WNS number?",
    "The number under which the Universal Postal Union registers a stamp, such as NL012.24. "
    "It tells you the stamp is an official issue.",
    "## Do you ship abroad?",
    "Yes, to every country. Parcels leaving the EU carry a CN22 or CN23 customs declaration.",
    "## How can I pay?",
    "By credit card, by bank transfer or at a post office counter with the payment reference "
    "you receive with your order.",
)

PAGES = {
    "history": ({"nl": "Geschiedenis van de postzegel", "en": "History of the stamp"},
                {"nl": HISTORY_NL, "en": HISTORY_EN}),
    "about": ({"nl": "Over PostNL", "en": "About PostNL"}, {"nl": ABOUT_NL, "en": ABOUT_EN}),
    "faq": ({"nl": "Veelgestelde vragen", "en": "Frequently asked questions"},
            {"nl": FAQ_NL, "en": FAQ_EN}),
}

NEWS = (
    NewsSpec("decemberzegels-2025", date(2025, 11, 3),
             {"nl": "Decemberzegels 2025 verkrijgbaar", "en": "December stamps 2025 on sale"},
             {"nl": "De decemberzegels van dit jaar zijn er, met korting voor uw kerstkaarten.",
              "en": "This year's December stamps are here, at a discount for your cards."}),
    NewsSpec("nieuw-tarief-2025", date(2025, 1, 2),
             {"nl": "Nieuw posttarief per 1 januari", "en": "New postage rate from 1 January"},
             {"nl": "Een brief tot 20 gram kost nu € 1,21. Zegels met waardeaanduiding 1 "
                    "blijven geldig.",
              "en": "A letter up to 20 grams now costs €1.21. Stamps marked 1 remain valid."}),
    NewsSpec("postzegelwinkel-in-de-post-mall", date(2024, 11, 18),
             {"nl": "De Postzegelwinkel in de Post Mall", "en": "The Stamp Shop in the Post Mall"},
             {"nl": "Bestel Nederlandse zegels samen met die van andere postbedrijven, in één "
                    "winkelwagen en met één betaling.",
              "en": "Order Dutch stamps together with other posts' stamps, in one cart with one "
                    "payment."}),
    NewsSpec("upu-150-jaar", date(2024, 10, 9),
             {"nl": "150 jaar Wereldpostunie", "en": "150 years of the Universal Postal Union"},
             {"nl": "Een velletje viert de oprichting van de UPU in Bern in 1874.",
              "en": "A sheetlet celebrates the founding of the UPU in Bern in 1874."}),
    NewsSpec("rietveld-100", date(2024, 5, 13),
             {"nl": "Honderd jaar Rietveld Schröderhuis",
              "en": "A hundred years of the Rietveld Schröder House"},
             {"nl": "Het huis in Utrecht staat op een velletje in De Stijl-kleuren.",
              "en": "The Utrecht house appears on a sheetlet in De Stijl colours."}),
    NewsSpec("vermeer-in-het-rijksmuseum", date(2023, 2, 10),
             {"nl": "Vermeer op postzegels", "en": "Vermeer on stamps"},
             {"nl": "Ter gelegenheid van de grote Vermeer-tentoonstelling verschijnen vijf "
                    "schilderijen op postzegels.",
              "en": "For the great Vermeer exhibition, five paintings appear on stamps."}),
    NewsSpec("170-jaar-postzegels", date(2022, 1, 3),
             {"nl": "170 jaar Nederlandse postzegels", "en": "170 years of Dutch stamps"},
             {"nl": "Het jubileumvelletje toont de zegels van 1852 met koning Willem III.",
              "en": "The anniversary sheetlet shows the 1852 stamps with King William III."}),
)
