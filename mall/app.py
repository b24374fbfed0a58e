"""The application factory: a table of contents of named configuration steps."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from flask import Flask
from flask.ctx import RequestContext
from flask.typing import ResponseReturnValue
from werkzeug.middleware.proxy_fix import ProxyFix

from mall import (
    cli,
    errors,
    health,
    hosts,
    i18n,
    pagecache,
    security,
    templating,
    tenancy,
    transaction,
)
from mall.config import CONFIGS, ROOT, Config
from mall.extensions import babel, csrf, db, login_manager
from mall.visitors import context as visitors
from mall.visitors.views import check_at_portal

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


class MallRequestContext(RequestContext):
    def match_request(self) -> None:
        """Route a post's extra names as its storefront (`mall.tenancy.route_extra_name`),
        once the request and its app context exist (the post is read from the database)."""
        if self.url_adapter is not None:
            tenancy.route_extra_name(self.url_adapter)
        super().match_request()


class MallFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Run in order before the blueprints' URL preprocessors and every before_request
        #: hook; the first to answer ends the request (its answer still passes the
        #: after_request hooks). The page cache's lookup is one, so that a storefront page
        #: served from it never loads its post; a hook that must answer before a cached
        #: page (a redirect for some browsers) is put before it.
        self.early_request_hooks: list[Callable[[], ResponseReturnValue | None]] = []

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        return MallRequestContext(self, environ)

    def preprocess_request(self) -> ResponseReturnValue | None:
        transaction.decide_reads_only()
        for hook in self.early_request_hooks:
            answer = hook()
            if answer is not None:
                return answer
        return super().preprocess_request()


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the mall: portal, storefronts and back offices share one app and one database."""
    app = MallFlask(
        "mall",
        static_folder=None,  # served on every host by mall.hosts instead
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
        subdomain_matching=True,
    )
    configure_settings(app, config, overrides)
    configure_proxy(app)
    configure_database(app)
    configure_extensions(app)
    transaction.init_app(app)  # first: its commit runs after every other after_request
    hosts.init_app(app)
    health.init_app(app)
    tenancy.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    visitors.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    # the one-time check at the portal redirects a browser's first storefront page view:
    # an early hook before the page cache's lookup, so that a stored page cannot skip it
    app.early_request_hooks.append(check_at_portal)
    # after the blueprints (it wraps their template globals); its lookup is the last of
    # `app.early_request_hooks`: a check that must answer first is appended before this line
    pagecache.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def configure_settings(app: Flask, config: type[Config] | None, overrides: dict[str, Any]) -> None:
    """Class defaults, then `MALL_*` environment variables, then explicit overrides (tests)."""
    if config is None:
        config = CONFIGS[os.environ.get("MALL_ENV", "development")]
    app.config.from_object(config)
    app.config.from_prefixed_env("MALL")
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("MALL_SECRET_KEY must be set in production")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    port = str(app.config["PUBLIC_PORT"] or "")
    app.config["SERVER_NAME"] = app.config["DOMAIN"] + (f":{port}" if port else "")
    app.config["TRUSTED_HOSTS"] = [app.config["DOMAIN"], "." + app.config["DOMAIN"]]


def configure_proxy(app: Flask) -> None:
    """Behind N trusted proxies, take the client's address and scheme from their
    X-Forwarded-* headers (sign-in throttling and same-scheme redirects depend on them).
    The Host header is never taken from a proxy: hosts decide which post a page belongs to."""
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def configure_database(app: Flask) -> None:
    """Per-dialect engine options: SQLite needs real transactions and foreign keys. Every
    feature's models are mapped up front, so relationships across features always resolve."""
    from mall import database, models  # noqa: F401 - models: every table mapped

    database.configure(app)


def init_migrations(app: Flask) -> None:
    """Flask-Migrate and Alembic, for the `flask db` commands and the tests' schema: some
    30 MB that a web worker never needs, so only the command line (and the tests) load
    them."""
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    if click.get_current_context(silent=True) is not None:
        init_migrations(app)  # `flask db …`: a web worker never loads Alembic
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Every blueprint, explicitly: the portal at `stamps.<domain>`, storefronts (and their
    back offices at `/manage`) at `stamps.<cc>.<domain>`."""
    from mall.accounts.profile_views import bp as profile_bp
    from mall.accounts.views import bp as accounts_bp
    from mall.alerts.views import bp as alerts_bp
    from mall.cart.views import bp as cart_bp
    from mall.catalogue.views import bp as catalogue_bp
    from mall.checkout.placing import bp as placing_bp
    from mall.checkout.views import bp as checkout_bp
    from mall.currency import bp as currency_bp
    from mall.mail.views import bp as outbox_bp
    from mall.operator import applications as _operator_applications  # noqa: F401
    from mall.operator import audit as _operator_audit  # noqa: F401
    from mall.operator import books as _operator_books  # noqa: F401
    from mall.operator import orders as _operator_orders  # noqa: F401
    from mall.operator import posts as _operator_posts  # noqa: F401
    from mall.operator import refunds as _operator_refunds  # noqa: F401
    from mall.operator import statements as _operator_statements  # noqa: F401
    from mall.operator.views import bp as operator_bp
    from mall.orders.views import bp as orders_bp
    from mall.payments.webhook_views import bp as stripe_webhooks_bp
    from mall.portal import apply as _portal_apply  # noqa: F401
    from mall.portal.views import bp as portal_bp
    from mall.privacy.views import bp as privacy_bp
    from mall.standing.views import bp as standing_bp
    from mall.visitors.views import portal_bp as link_bp
    from mall.visitors.views import storefront_bp as link_complete_bp
    from vendors.backoffice import catalogue as _catalogue_pages  # noqa: F401
    from vendors.backoffice import content as _content_pages  # noqa: F401
    from vendors.backoffice import fulfilment as _fulfilment_pages  # noqa: F401
    from vendors.backoffice import inbox as _inbox_pages  # noqa: F401
    from vendors.backoffice import names as _name_pages  # noqa: F401
    from vendors.backoffice import sales as _sales_pages  # noqa: F401
    from vendors.backoffice import settings as _settings_pages  # noqa: F401
    from vendors.backoffice import settlement as _settlement_pages  # noqa: F401
    from vendors.backoffice import staff as _staff_pages  # noqa: F401
    from vendors.backoffice import views as _backoffice_pages  # noqa: F401
    from vendors.backoffice.blueprint import bp as backoffice_bp
    from vendors.storefront.views import bp as storefront_bp

    app.register_blueprint(catalogue_bp, subdomain=hosts.ANY_SITE)
    app.register_blueprint(currency_bp, subdomain=hosts.ANY_SITE)
    app.register_blueprint(cart_bp, subdomain=hosts.ANY_SITE)
    app.register_blueprint(portal_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    # accounts at the portal; its sign-out route answers on every host (ANY_SITE)
    app.register_blueprint(accounts_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(profile_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(privacy_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(alerts_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(standing_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(outbox_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    # the operator's desk (staff sign-in, payments) exists on the portal only
    app.register_blueprint(operator_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    # checkout, the buyer's orders and Stripe's webhooks: at the portal only
    app.register_blueprint(checkout_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(placing_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(orders_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(stripe_webhooks_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(link_bp, subdomain=hosts.PORTAL_SUBDOMAIN)
    app.register_blueprint(link_complete_bp, subdomain=hosts.STOREFRONT_SUBDOMAIN)
    app.register_blueprint(storefront_bp, subdomain=hosts.STOREFRONT_SUBDOMAIN)
    # each post's back office, on its own storefront host, for its own staff
    app.register_blueprint(backoffice_bp, subdomain=hosts.STOREFRONT_SUBDOMAIN)
