"""The public storefront of one post, at `stamps.<cc>.<domain>`.

The post is resolved once per request from the host (`mall.tenancy.current_post`); every
query here goes through the tenancy layer's scoped helpers, and a host whose post is unknown
or not live is a 404."""

from __future__ import annotations

from datetime import MAXYEAR, MINYEAR, date
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.catalogue.artwork import safe_color
from mall.catalogue.models import Collection, Issue
from mall.catalogue.queries import (
    collections_with_counts,
    latest_issues,
    listed_issues,
    listing_page,
    years_with_issues,
)
from mall.catalogue.search import SearchForm, search_issues
from mall.content.inbox import receive_message
from mall.content.models import NewsItem, Page, PageKind
from mall.extensions import db
from mall.pagination import requested_page
from mall.tenancy import current_post, first_owned_or_404, host_post, scoped
from vendors.storefront.forms import ContactForm

bp = Blueprint("storefront", __name__)


@bp.url_value_preprocessor
def load_post(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    (values or {}).pop("cc", None)  # the host names the post: see mall.tenancy
    current_post()


@bp.url_defaults
def add_country(_endpoint: str, values: dict[str, Any]) -> None:
    post = host_post() if has_request_context() else None
    if "cc" not in values and post is not None:
        values["cc"] = post.code


@bp.get("/")
def home() -> ResponseReturnValue:
    post = current_post()
    return render_template(
        "storefront/home.html",
        new_issues=latest_issues(db.session, 8, post),
        collections=collections_with_counts(db.session, post),
        news=_recent_news(3),
    )


@bp.get("/catalogue")
def catalogue() -> ResponseReturnValue:
    post = current_post()
    year = request.args.get("year", type=int)
    if year is not None and not MINYEAR <= year <= MAXYEAR:
        abort(400, description=_("That is not a year we can show."))
    keys = listed_issues(post)
    if year:
        keys = keys.where(Issue.issue_date.between(date(year, 1, 1), date(year, 12, 31)))
    page = listing_page(db.session, keys, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template(
        "storefront/catalogue.html", page=page, years=years_with_issues(post), year=year
    )


@bp.get("/issues/<slug>")
def issue(slug: str) -> ResponseReturnValue:
    found = first_owned_or_404(
        scoped(Issue).where(Issue.slug == slug, Issue.published_at.is_not(None))
        .options(selectinload(Issue.products), selectinload(Issue.themes)),
        _("This issue is not in the catalogue."),
    )
    return render_template("storefront/issue.html", issue=found)


@bp.get("/collections")
def collections() -> ResponseReturnValue:
    collections = collections_with_counts(db.session, current_post())
    return render_template("storefront/collections.html", collections=collections)


@bp.get("/collections/<slug>")
def collection(slug: str) -> ResponseReturnValue:
    found = first_owned_or_404(
        scoped(Collection).where(Collection.slug == slug), _("This collection does not exist.")
    )
    keys = listed_issues(current_post()).where(Issue.id.in_(
        select(Issue.id).join(Collection.issues).where(Collection.id == found.id)
    ))
    page = listing_page(db.session, keys, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("storefront/collection.html", collection=found, page=page)


@bp.get("/news")
def news() -> ResponseReturnValue:
    return render_template("storefront/news.html", items=_recent_news(50))


@bp.get("/news/<slug>")
def news_item(slug: str) -> ResponseReturnValue:
    item = first_owned_or_404(
        scoped(NewsItem).where(NewsItem.slug == slug), _("This news item does not exist.")
    )
    return render_template("storefront/news_item.html", item=item)


def page(kind: PageKind) -> ResponseReturnValue:
    found = first_owned_or_404(
        scoped(Page).where(Page.kind == kind), _("This page has not been written yet.")
    )
    return render_template("storefront/page.html", page=found)


for _kind in PageKind:
    bp.add_url_rule(f"/{_kind.value}", _kind.value, page, defaults={"kind": _kind})


@bp.route("/contact", methods=["GET", "POST"])
def contact() -> ResponseReturnValue:
    form = ContactForm()
    if form.validate_on_submit():
        receive_message(
            db.session, current_post(), name=form.name.data, email=form.email.data,
            subject=form.subject.data, message=form.message.data, locale=str(get_locale()),
        )
        flash(_("Thank you: your message has been sent to the post, and a copy to you by "
                "mail."), "success")
        return redirect(url_for(".contact"))
    status = 400 if form.is_submitted() else 200
    return render_template("storefront/contact.html", form=form), status


@bp.get("/search")
def search() -> ResponseReturnValue:
    form = SearchForm(request.args)
    results = None
    if form.validate():
        query = form.to_query(post=current_post(), per_page=current_app.config["PAGE_SIZE"])
        results = search_issues(db.session, query)
    return render_template("storefront/search.html", form=form, results=results)


@bp.get("/theme.css")
def theme_css() -> ResponseReturnValue:
    """The post's colours as CSS variables: branding without inline styles (CSP)."""
    post = current_post()
    brand = safe_color(post.primary_color, "#1d3557")
    accent = safe_color(post.accent_color, "#e9c46a")
    css = f":root{{--brand:{brand};--accent:{accent}}}\n"
    return css, 200, {"Content-Type": "text/css; charset=utf-8", "Cache-Control": "max-age=300"}


def _recent_news(limit: int) -> list[NewsItem]:
    return list(
        db.session.scalars(
            scoped(NewsItem)
            .order_by(NewsItem.published_on.desc())
            .limit(limit)
        )
    )
