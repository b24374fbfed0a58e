"""Words collectors read for what a standing order did with an issue."""

from __future__ import annotations

from mall.catalogue.labels import label
from mall.catalogue.models import ProductFormat
from mall.i18n import lazy_translate as _l
from mall.standing.models import PlacementOutcome

OUTCOMES = {
    PlacementOutcome.PLACED: _l("Ordered"),
    PlacementOutcome.NOTHING_MATCHING: _l("Nothing in your formats and condition"),
    PlacementOutcome.SOLD_OUT: _l("Skipped: not enough left"),
    PlacementOutcome.OVER_BUDGET: _l("Skipped: over your budget"),
    PlacementOutcome.NO_DELIVERY: _l("Skipped: no delivery to your address"),
    PlacementOutcome.NO_CARD: _l("Skipped: no saved card"),
}


def placement_label(outcome: PlacementOutcome) -> str:
    return str(OUTCOMES[outcome])


def format_label(value: str) -> str:
    """A format as stored on a standing order (its enum value), in the reader's words."""
    return label(ProductFormat(value))
