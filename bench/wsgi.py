"""What gunicorn serves under `make bench`: the app of `wsgi.py` (configured by MALL_*
variables, MALL_ENV=production); its `/healthz` is the benchmark's baseline."""

from __future__ import annotations

from mall import create_app

app = create_app()
