"""The mall's own host, `stamps.<domain>`: every live post, new issues from all of them, and
search across them all."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from mall.catalogue.queries import latest_issues_of_all_posts
from mall.catalogue.search import SearchForm, search_issues
from mall.extensions import db
from mall.posts.models import Post

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
