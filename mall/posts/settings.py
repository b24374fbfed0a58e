"""What a post's manager sets for its storefront: languages, names and slogans in each,
colours, contact details. The pricing currency is not among them: prices, carts and orders
depend on it, so only the operator changes it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from mall.catalogue.artwork import safe_color
from mall.i18n import lazy_translate as _l
from mall.posts.models import Post


class SettingsRefused(ValueError):
    def __init__(self, field_name: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field_name
        self.message = message


@dataclass
class StorefrontSettings:
    locales: list[str]
    default_locale: str
    shop_name: dict[str, str] = field(default_factory=dict)
    tagline: dict[str, str] = field(default_factory=dict)
    primary_color: str = "#1d3557"
    accent_color: str = "#e9c46a"
    email: str = ""
    phone: str = ""
    address: str = ""


def settings_of(post: Post) -> StorefrontSettings:
    return StorefrontSettings(
        locales=list(post.locales), default_locale=post.default_locale,
        shop_name=dict(post.shop_name), tagline=dict(post.tagline or {}),
        primary_color=post.primary_color, accent_color=post.accent_color,
        email=post.email, phone=post.phone, address=post.address,
    )


def update_settings(session: Session, post: Post, values: StorefrontSettings,
                    offered: set[str]) -> None:
    locales = list(dict.fromkeys(code for code in values.locales if code in offered))
    if not locales:
        raise SettingsRefused("locales", _l("Choose at least one language."))
    if values.default_locale not in locales:
        raise SettingsRefused("default_locale",
                              _l("The default language must be one of the shop's languages."))
    shop_name = _texts(values.shop_name, locales)
    if not shop_name.get(values.default_locale):
        raise SettingsRefused("shop_name", _l("Give the shop a name in its default language."))
    for name, color in (("primary_color", values.primary_color),
                        ("accent_color", values.accent_color)):
        if safe_color(color, "") == "":
            raise SettingsRefused(name, _l("A colour is written #rrggbb, like #1d3557."))
    post.locales = locales
    post.default_locale = values.default_locale
    post.shop_name = shop_name
    post.tagline = _texts(values.tagline, locales)
    post.primary_color = values.primary_color.lower()
    post.accent_color = values.accent_color.lower()
    post.email, post.phone = values.email.strip(), values.phone.strip()
    post.address = values.address.strip()
    session.flush()


def _texts(values: dict[str, str], locales: list[str]) -> dict[str, str]:
    """Texts of the shop's languages (and English, the mall's common one), without blanks."""
    keep = {*locales, "en"}
    return {code: text.strip() for code, text in values.items() if code in keep and text.strip()}
