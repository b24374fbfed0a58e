"""Configuration classes. Every value can be overridden by an environment variable with the
``MALL_`` prefix (``MALL_SECRET_KEY``, ``MALL_DOMAIN``, ``MALL_DATABASE_URL``…); see README."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Safe development defaults: embedded SQLite, `post.localhost` hosts on port 5000."""

    SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - replaced by MALL_SECRET_KEY in production
    #: The registry domain the mall lives under: `post` in production.
    DOMAIN = "post.localhost"
    #: Public port appended to every host name; empty when served on 80/443.
    PUBLIC_PORT = "5000"
    #: Scheme used for absolute links built outside a request.
    PREFERRED_URL_SCHEME = "http"
    DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'mall.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SUPPORTED_LOCALES = ("en", "es", "fr", "nl")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    #: How long a host stays linked to its visitor (and so its cart) without a visit.
    PERMANENT_SESSION_LIFETIME = 3600 * 24 * 30
    #: Page sizes for catalogue listings.
    PAGE_SIZE = 24
    #: Commission charged by the operator, in basis points, when a post has none of its own.
    DEFAULT_COMMISSION_BPS = 1000
    #: Where outgoing mail goes: "outbox" (stored, shown in the demo) or "smtp".
    MAIL_TRANSPORT = "outbox"
    MAIL_SENDER = "Post Mall <no-reply@stamps.post>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    HSTS_SECONDS = 31536000


class ProductionConfig(Config):
    """Production: `.post` hosts behind TLS, secure cookies, secrets from the environment."""

    DOMAIN = "post"
    PUBLIC_PORT = ""
    PREFERRED_URL_SCHEME = "https"
    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    MAIL_TRANSPORT = "smtp"


class TestConfig(Config):
    """Tests: the suite passes the database URL; CSRF stays on (tests post real tokens)."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    WTF_CSRF_ENABLED = True


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestConfig,
}
