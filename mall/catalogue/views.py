"""Catalogue resources served on every host: the stamp artwork the mall draws itself, and the
pictures posts upload."""

from __future__ import annotations

from flask import Blueprint, abort
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.catalogue.artwork import render_post_emblem, render_stamp_svg
from mall.catalogue.models import Issue, Product
from mall.extensions import db
from mall.media.storage import KEY, storage
from mall.posts.models import Post, PostStatus

bp = Blueprint("catalogue", __name__)

SVG_HEADERS = {"Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "max-age=86400"}


@bp.get("/artwork/issues/<int:issue_id>.svg")
def issue_artwork(site: str, issue_id: int) -> ResponseReturnValue:
    issue = db.session.scalar(
        select(Issue)
        .join(Issue.post)
        .where(Issue.id == issue_id, Post.status == PostStatus.LIVE)
        .options(selectinload(Issue.themes), selectinload(Issue.products))
    )
    if issue is None:
        abort(404)
    product = issue.products[0] if issue.products else None
    # Listings show one stamp of the issue, whatever format its first product is.
    return render_stamp_svg(issue, product, as_stamp=True), 200, SVG_HEADERS


@bp.get("/artwork/products/<int:product_id>.svg")
def product_artwork(site: str, product_id: int) -> ResponseReturnValue:
    product = db.session.get(Product, product_id)
    if product is None or not product.issue.post.is_live:
        abort(404)
    return render_stamp_svg(product.issue, product), 200, SVG_HEADERS


@bp.get("/artwork/posts/<country:code>.svg")
def post_emblem(site: str, code: str) -> ResponseReturnValue:
    post = db.session.scalar(select(Post).where(Post.code == code))
    if post is None or not post.is_live:
        abort(404)
    return render_post_emblem(post), 200, SVG_HEADERS


@bp.get("/media/<name>")
def media(site: str, name: str) -> ResponseReturnValue:
    """Pictures the posts uploaded, on every host. Names are random and carry no meaning,
    so they are cached for good: a new upload gets a new name."""
    if not KEY.fullmatch(name):
        abort(404)
    data = storage().read(name)
    if data is None:
        abort(404)
    return data, 200, {"Content-Type": "image/jpeg",
                       "Cache-Control": "public, max-age=31536000, immutable"}
