"""The mall's own host, `stamps.<domain>`: every live post, new issues from all of them, and
search across them all."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from mall.catalogue.queries import latest_issues_of_all_posts
from mall.catalogue.search import SearchForm, search_issues
from mall.extensions import db
from mall.posts.models import Post, PostStatus
from mall.posts.names import names_of

bp = Blueprint("portal", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    posts = list(db.session.scalars(Post.live_query()))
    return render_template(
        "portal/home.html", posts=posts, new_issues=latest_issues_of_all_posts(db.session, 12)
    )


@bp.get("/search")
def search() -> ResponseReturnValue:
    form = SearchForm(request.args)
    results = None
    if form.validate():
        query = form.to_query(per_page=current_app.config["PAGE_SIZE"])
        results = search_issues(db.session, query)
    return render_template("portal/search.html", form=form, results=results)


@bp.get("/verified/<country:code>")
def verified(code: str) -> ResponseReturnValue:
    """The page a storefront's "verified post" mark links to, on the mall's own host: the
    post's Community ID, since when it is verified, and every name its storefront answers
    on — so a look-alike site can show the mark but not this page."""
    post = db.session.scalar(select(Post).where(Post.code == code))
    if post is None or post.status not in (PostStatus.LIVE, PostStatus.SUSPENDED):
        abort(404, description=_("No verified post sells from this country here."))
    return render_template("portal/verified.html", post=post,
                           names=names_of(db.session, post),
                           domain=current_app.config["DOMAIN"])
