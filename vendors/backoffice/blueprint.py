"""The back office's one blueprint. Its pages live in modules named for what they manage
(`views` for signing in and the dashboard, `fulfilment`, …); `mall.app` imports each of them
before registering it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from mall.operator.models import StaffRole
from mall.tenancy import current_post
from vendors.backoffice.access import staff_of

bp = Blueprint("backoffice", __name__, url_prefix="/manage")


@bp.url_value_preprocessor
def load_post(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    (values or {}).pop("cc", None)  # the host names the post: see mall.tenancy
    current_post()


@bp.url_defaults
def add_country(_endpoint: str, values: dict[str, Any]) -> None:
    if "cc" not in values:  # links from mail name their post; pages take the host's
        values["cc"] = current_post().code


@bp.context_processor
def _staff_in_templates() -> dict[str, Any]:
    return {"post_staff_member": lambda: staff_of(current_post()), "StaffRole": StaffRole}
