"""The demo's posts, one module per country, listed explicitly in storefront order."""

from __future__ import annotations

from mall.demo.posts import bw, kh, nl, tz, ug, uy
from mall.demo.specs import Country

COUNTRIES: tuple[Country, ...] = (
    uy.COUNTRY,
    nl.COUNTRY,
    kh.COUNTRY,
    ug.COUNTRY,
    bw.COUNTRY,
    tz.COUNTRY,
)
