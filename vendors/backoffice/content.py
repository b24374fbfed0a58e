"""The shop's pages (history of philately, about the post, FAQ) and its news, written per
language in Markdown, rendered sanitised on the storefront (mall.content.markdown)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from mall.catalogue.editing import SLUG
from mall.content.models import NewsItem, Page, PageKind
from mall.extensions import db
from mall.i18n import LANGUAGE_NAMES, language_name
from mall.operator.models import StaffRole
from mall.pagination import requested_page
from mall.tenancy import current_post, get_owned_or_404, scoped
from vendors.backoffice.access import staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import ActionForm, news_form, page_form


@bp.get("/pages")
@staff_required(StaffRole.POST_CLERK)
def pages() -> ResponseReturnValue:
    written = {page.kind: page for page in db.session.scalars(scoped(Page))}
    news = db.paginate(scoped(NewsItem).order_by(NewsItem.published_on.desc(), NewsItem.id),
                       page=requested_page(), per_page=current_app.config["OPERATOR_PAGE_SIZE"],
                       error_out=False)
    return render_template("backoffice/pages.html", kinds=list(PageKind), written=written,
                           news=news)


@bp.route("/pages/<kind>", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def edit_page(kind: str) -> ResponseReturnValue:
    try:
        page_kind = PageKind(kind)
    except ValueError:
        abort(404)
    post = current_post()
    page = db.session.scalar(scoped(Page).where(Page.kind == page_kind))
    locales = _locales()
    form = page_form(locales, data=_texts(page, locales) if request.method == "GET" else None)
    if form.validate_on_submit():
        title, body = _collect(form, locales)
        if not title:
            form.form_errors.append(_("Give the page a title in at least one language."))
        else:
            if page is None:
                page = Page(post_id=post.id, kind=page_kind)
                db.session.add(page)
            page.title, page.body = title, body
            flash(_("The page is saved."), "success")
            return redirect(url_for(".pages"))
    return render_template("backoffice/content_form.html", form=form, locales=locales,
                           heading=_page_name(page_kind), extra=[],
                           view=url_for("storefront." + page_kind.value),
                           ), 400 if form.is_submitted() else 200


@bp.route("/news/new", methods=["GET", "POST"], defaults={"news_id": None})
@bp.route("/news/<int:news_id>", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def edit_news(news_id: int | None) -> ResponseReturnValue:
    post = current_post()
    item = get_owned_or_404(NewsItem, news_id) if news_id is not None else None
    locales = _locales()
    data = None
    if item is not None and request.method == "GET":
        data = {"slug": item.slug, "published_on": item.published_on, **_texts(item, locales)}
    form = news_form(locales, data=data)
    if form.validate_on_submit():
        title, body = _collect(form, locales)
        slug = form.slug.data.lower()
        taken = db.session.scalar(select(NewsItem.id).where(
            NewsItem.post_id == post.id, NewsItem.slug == slug))
        if not SLUG.fullmatch(slug):
            form.slug.errors.append(_("Use lower-case letters, digits and hyphens."))
        elif taken is not None and (item is None or taken != item.id):
            form.slug.errors.append(_("Another news item has this address already."))
        elif not title:
            form.form_errors.append(_("Give the news a title in at least one language."))
        else:
            if item is None:
                item = NewsItem(post_id=post.id)
                db.session.add(item)
            item.slug, item.published_on = slug, form.published_on.data
            item.title, item.body = title, body
            flash(_("The news is saved."), "success")
            return redirect(url_for(".pages"))
    return render_template("backoffice/content_form.html", form=form, locales=locales,
                           heading=_("News"), extra=["slug", "published_on"],
                           view=url_for("storefront.news_item", slug=item.slug) if item else None,
                           item=item, action=ActionForm(),
                           ), 400 if form.is_submitted() else 200


@bp.post("/news/<int:news_id>/delete")
@staff_required(StaffRole.POST_CLERK)
def delete_news(news_id: int) -> ResponseReturnValue:
    item = get_owned_or_404(NewsItem, news_id)
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))
    db.session.delete(item)
    flash(_("The news item is deleted."), "success")
    return redirect(url_for(".pages"))


def _locales() -> dict[str, str]:
    codes = list(dict.fromkeys([*current_post().locales, "en"]))
    return {code: LANGUAGE_NAMES.get(code) or language_name(code) for code in codes}


def _texts(found: Any, locales: dict[str, str]) -> dict[str, str]:
    if found is None:
        return {}
    data = {}
    for code in locales:
        data[f"title_{code}"] = found.title.get(code, "")
        data[f"body_{code}"] = found.body.get(code, "")
    return data


def _collect(form: Any, locales: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    title = {code: form[f"title_{code}"].data for code in locales if form[f"title_{code}"].data}
    body = {code: form[f"body_{code}"].data for code in locales if form[f"body_{code}"].data}
    return title, body


def _page_name(kind: PageKind) -> str:
    return {PageKind.HISTORY: _("History of philately"), PageKind.ABOUT: _("About the post"),
            PageKind.FAQ: _("Questions and answers")}[kind]
