"""What gunicorn serves under `make bench`: the app of `wsgi.py` (configured by MALL_*
variables, MALL_ENV=production), with the benchmark's health endpoint."""

from __future__ import annotations

from bench.health import with_health
from mall import create_app

app = with_health(create_app())
