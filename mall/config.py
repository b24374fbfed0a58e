"""Configuration classes. Every value can be overridden by an environment variable with the
``MALL_`` prefix (``MALL_SECRET_KEY``, ``MALL_DOMAIN``, ``MALL_DATABASE_URL``…); see README."""

from __future__ import annotations

import os
import tempfile
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
    #: PostgreSQL's planner cost of reading a page out of order, set on the mall's
    #: connections: a catalogue served from memory or SSD reads one about as fast as the
    #: next (the server's default, 4, is for spinning disks, and makes it scan a storefront's
    #: search newest first through every post's vectors). Empty: the server's own setting.
    POSTGRESQL_RANDOM_PAGE_COST = 1.1
    #: Where uploaded pictures are kept (mall.media.storage.LocalStorage), and their size limit.
    MEDIA_DIR = str(ROOT / "instance" / "media")
    MEDIA_MAX_BYTES = 8_000_000
    #: Where the documents sent with applications are kept (mall.media.documents): private,
    #: never under MEDIA_DIR; each at most DOCUMENT_MAX_BYTES, at most DOCUMENTS_PER_FORM at once.
    DOCUMENTS_DIR = str(ROOT / "instance" / "documents")
    DOCUMENT_MAX_BYTES = 5_000_000
    DOCUMENTS_PER_FORM = 5
    SUPPORTED_LOCALES = ("en", "es", "fr", "km", "nl", "pt", "sw")
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
    #: The most of one product a cart line may hold (the stock caps it further).
    CART_MAX_QUANTITY = 999
    #: Display currency when nothing about the buyer names one that has a rate.
    DEFAULT_CURRENCY = "EUR"
    #: Commission charged by the operator, in basis points, when a post has none of its own.
    DEFAULT_COMMISSION_BPS = 1000
    #: Where outgoing mail goes: "outbox" (stored, shown in the demo) or "smtp".
    MAIL_TRANSPORT = "outbox"
    #: Whether the portal shows the outbox at /outbox (with the outbox transport only).
    #: Never in production: it would show anyone everybody's password-reset links.
    MAIL_OUTBOX_PAGE = True
    MAIL_SENDER = "Post Mall <no-reply@stamps.post>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 25
    SMTP_STARTTLS = False
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""  # MALL_SMTP_PASSWORD in production
    SMTP_TIMEOUT = 10
    #: The transactional outbox (mall.outbox): run a request's side effects in-process right
    #: after it committed (off in production, where `flask mall outbox work` runs them and
    #: a web worker never waits for SMTP or Stripe); a failed task is retried after RETRY,
    #: 2×RETRY, 4×RETRY… seconds, up to MAX_ATTEMPTS runs; a run holds its task for LEASE
    #: seconds before another runner may take it over.
    OUTBOX_DISPATCH_AFTER_REQUEST = True
    OUTBOX_MAX_ATTEMPTS = 6
    OUTBOX_RETRY_SECONDS = 60
    OUTBOX_LEASE_SECONDS = 300
    #: Buyer accounts: how long a sign-in lasts, on every host (kept on the visitor, see
    #: mall.accounts.services.sign_in), without and with "remember me", in seconds.
    SIGN_IN_LIFETIME = 12 * 3600
    REMEMBER_ME_LIFETIME = 30 * 24 * 3600
    #: How long the link to a guest's order in its mails opens it, in seconds (see
    #: mall.orders.guest_links); each later mail about the order carries a fresh one.
    GUEST_ORDER_LINK_MAX_AGE = 90 * 24 * 3600
    #: Failed sign-ins allowed per account and per client address within the window.
    SIGN_IN_THROTTLE_WINDOW = 15 * 60
    #: Failures from one address at one account before each next try waits 1 s, 2 s, 4 s…
    SIGN_IN_FREE_FAILURES = 3
    #: Failures at one account (any address) in the window before only known devices and
    #: browsers unlocked by the mailed link may try.
    SIGN_IN_MAX_FAILURES_PER_ACCOUNT = 5
    SIGN_IN_MAX_FAILURES_PER_ADDRESS = 20
    #: A browser's first page view of a storefront not yet linked goes through the portal
    #: once, to come back signed in and in its currency (mall.visitors.portal_check).
    PORTAL_CHECK = True
    #: Goods worth more than this (euros, converted into the post's currency) are sent by
    #: the cheapest tracked method by default, not an untracked letter (mall.shipping.defaults).
    UNTRACKED_LETTER_MAX_EUR = "25"
    #: What `flask mall privacy prune` keeps (days; the privacy page states these): a visit
    #: after its last use, finished mail in the outbox, a visitor's message to a post.
    VISIT_RETENTION_DAYS = 90
    SENT_MAIL_RETENTION_DAYS = 30
    CONTACT_MESSAGE_RETENTION_DAYS = 730
    #: How long a browser stays known to an account it signed in from (seconds).
    KNOWN_DEVICE_LIFETIME = 180 * 24 * 3600
    #: How long the mailed unlock link works (seconds).
    UNLOCK_LINK_MAX_AGE = 3600
    #: Password-reset links: lifetime in seconds; mails per account and requests per
    #: address within the throttling window.
    PASSWORD_RESET_MAX_AGE = 3600
    #: How long a post's staff invitation link works (seconds): a week.
    STAFF_INVITATION_MAX_AGE = 7 * 24 * 3600
    PASSWORD_RESET_MAX_PER_ACCOUNT = 3
    PASSWORD_RESET_MAX_PER_ADDRESS = 10
    PASSWORD_MIN_LENGTH = 10
    #: argon2id cost (argon2-cffi's defaults, RFC 9106's low-memory choice); stored hashes
    #: made with other values are re-hashed at the next sign-in.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_KIB = 64 * 1024
    PASSWORD_HASH_PARALLELISM = 4
    HSTS_SECONDS = 31536000
    #: Trusted reverse proxies in front of the app (0: none; 1 behind one TLS proxy).
    PROXY_HOPS = 0
    #: The operator's FX spread in basis points, charged to buyers paying in another currency.
    FX_SPREAD_BPS = 0
    #: Rates older than this many days raise the operator's stale-rates warning.
    RATES_MAX_AGE_DAYS = 4
    #: Stripe: card payments are offered only when a secret key is configured.
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    #: A local fake Stripe (localstripe) in the demo and tests; unset in production.
    STRIPE_API_BASE = ""
    STRIPE_MAX_NETWORK_RETRIES = 2
    STRIPE_TIMEOUT = 30
    #: Stripe.js (the Payment Element) needs the publishable key; live mode only.
    STRIPE_PUBLISHABLE_KEY = ""
    #: Checkout: how long a quote's exchange rates hold, in minutes.
    QUOTE_MINUTES = 15
    #: How long a placed, unpaid order holds its stock: card payments (minutes) and bank
    #: transfer or counter payments (days). Then it is cancelled (cron or next page view).
    RESERVE_CARD_MINUTES = 30
    RESERVE_OFFLINE_DAYS = 5
    #: Declined card attempts after which the order is cancelled and its stock released.
    CARD_MAX_ATTEMPTS = 3
    #: The operator's account that buyers paying by bank transfer send money to, shown in
    #: the payment instructions (templates/orders/_instructions.html). These are demo values
    #: (the ISO 13616 example IBAN), marked as such to buyers while "demo" is true; set
    #: MALL_OFFLINE_BANK_ACCOUNT='{"holder": …, "iban": …, "bic": …, "bank": …}' in production.
    OFFLINE_BANK_ACCOUNT: dict | None = {
        "holder": "Post Mall operator (UPU)",
        "iban": "CH93 0076 2011 6238 5295 7",
        "bic": "DEMOCHBEXXX",
        "bank": "Demo bank, Bern",
        "demo": True,
    }
    #: Staff sessions (the operator's desk) last this many seconds from sign-in.
    OPERATOR_SESSION_LIFETIME = 8 * 3600
    #: The back office's dashboard counts products with this many or fewer left.
    BACKOFFICE_LOW_STOCK = 5
    #: Orders per page on the operator's payment desk.
    OPERATOR_PAGE_SIZE = 50
    #: Show the demo operator's email and password on the staff sign-in page.
    OPERATOR_DEMO_HINT = True
    #: The page cache (mall.pagecache): what anonymous visitors see is drawn once and served
    #: until the catalogue or the rates change (at the next request, on every worker) and at
    #: most PAGE_CACHE_SECONDS (writes made outside the app). In each worker's memory (at
    #: most PAGE_CACHE_MAX_BYTES of pages, versions in files under PAGE_CACHE_VERSION_DIR),
    #: or shared by every node in Redis when CACHE_URL is set (redis://host:6379/0).
    PAGE_CACHE = True
    CACHE_URL = ""
    PAGE_CACHE_SECONDS = 30
    #: A sale (stock alone) shows within this many seconds, so that a release's sales do not
    #: redraw every page each time; checkout always reads the real stock.
    PAGE_CACHE_STOCK_SECONDS = 1
    PAGE_CACHE_MAX_BYTES = 16_000_000
    PAGE_CACHE_VERSION_DIR = str(ROOT / "instance" / "pagecache")
    #: A GET whose view writes without `@transaction.writes` fails at once (development and
    #: tests, so the suite finds it); production lets it try its luck with the lock.
    READ_TRANSACTION_GUARD = True


class ProductionConfig(Config):
    """Production: `.post` hosts behind TLS, secure cookies, secrets from the environment."""

    DOMAIN = "post"
    PUBLIC_PORT = ""
    PREFERRED_URL_SCHEME = "https"
    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    MAIL_TRANSPORT = "smtp"
    MAIL_OUTBOX_PAGE = False
    #: Side effects are the outbox worker's (`flask mall outbox work`, beside gunicorn).
    OUTBOX_DISPATCH_AFTER_REQUEST = False
    #: No bank details until the operator's real account is configured.
    OFFLINE_BANK_ACCOUNT = None
    OPERATOR_DEMO_HINT = False
    READ_TRANSACTION_GUARD = False


class TestConfig(Config):
    """Tests: the suite passes the database URL; CSRF stays on (tests post real tokens)."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    #: Uploaded pictures go to the machine's temporary folder, never the checkout.
    MEDIA_DIR = str(Path(tempfile.gettempdir()) / "post-mall-test-media")
    DOCUMENTS_DIR = str(Path(tempfile.gettempdir()) / "post-mall-test-documents")
    #: Pages are drawn for each request (test clients post forms with tokens, not Origin);
    #: tests/pagecache turn the cache on, and MALL_PAGE_CACHE=true runs the suite with it.
    PAGE_CACHE = False
    #: One test run's apps (the suite's and the browser tests' server) share their versions;
    #: two runs at once on one machine do not see each other's writes.
    PAGE_CACHE_VERSION_DIR = str(Path(tempfile.gettempdir())
                                 / f"post-mall-test-pagecache-{os.getpid()}")
    STRIPE_MAX_NETWORK_RETRIES = 0
    WTF_CSRF_ENABLED = True
    #: Cheap hashes: the suite signs in hundreds of times (the algorithm stays argon2id).
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 8 * 1024
    PASSWORD_HASH_PARALLELISM = 1


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestConfig,
}
