"""Catalogue reads shared by the portal and the storefronts, each a fixed number of queries
whatever the size of the catalogue; listings read rows of what a card shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Index, Row, Select, and_, func, select
from sqlalchemy.orm import Session

from mall.catalogue.cards import card_columns, card_page
from mall.catalogue.models import Collection, Issue, collection_issue
from mall.extensions import db
from mall.memo import memoized
from mall.pagination import COUNT_CAP, CappedPage
from mall.posts.models import Post, PostStatus

#: A post's published issues in the order every listing shows them (newest first, then the
#: newest id), so a deep catalogue page walks the index and sorts nothing. Partial: drafts
#: are never listed. Declared here, with the queries it serves (migration 20261204_0014).
ix_issue_listing = Index(
    "ix_issue_listing",
    Issue.post_id,
    Issue.issue_date,
    Issue.id,
    sqlite_where=Issue.published_at.is_not(None),
    postgresql_where=Issue.published_at.is_not(None),
)


#: What a listing shows: published issues of live posts.
_LISTED = (Post.status == PostStatus.LIVE, Issue.published_at.is_not(None))


def issue_listing(post: Post) -> Select[Any]:
    """One post's issues as listing cards (`card_columns` rows), newest first."""
    return all_posts_issue_listing().where(Issue.post_id == post.id)


def listed_issues(post: Post) -> Select[Any]:
    """The keys of one post's listing (published issues of a live post), for `listing_page`;
    a caller may narrow them further."""
    return (
        select(Issue.id, Issue.issue_date)
        .join(Issue.post)
        .where(*_LISTED, Issue.post_id == post.id)
    )


def newest_first(keys: Any) -> list[Any]:
    """The listings' order, which `ix_issue_listing` holds."""
    return [keys.issue_date.desc(), keys.id.desc()]


def listing_page(session: Session, keys: Select[Any], page: int, per_page: int) -> CappedPage:
    """One page of a listing, newest first, in one query whatever its size: counted up to
    COUNT_CAP issues past this page (`card_page`)."""
    cap = (page - 1) * per_page + COUNT_CAP
    return card_page(session, keys, newest_first, page, per_page, cap, CappedPage)


def all_posts_issue_listing() -> Select[Any]:
    """Issues of every live post as listing cards (the portal's pages only), newest first;
    the post's columns come from the join that filters on its status."""
    return (
        select(*card_columns())
        .join(Issue.post)
        .where(*_LISTED)
        .order_by(*newest_first(Issue))
    )


def latest_issues(session: Session, limit: int, post: Post) -> list[Row[Any]]:
    """One post's newest issues (the post is required: a forgotten argument must not show
    every post's)."""
    return list(session.execute(issue_listing(post).limit(limit)))


def latest_issues_of_all_posts(session: Session, limit: int) -> list[Row[Any]]:
    """The newest issues across the mall, for the portal."""
    return list(session.execute(all_posts_issue_listing().limit(limit)))


def issue_years(session: Session, post: Post) -> list[int]:
    """Years with issues, for a storefront's catalogue filter, newest first.

    Read by skipping through the listing index, one probe per year (the latest issue before
    the start of the year found last), so the work grows with the years a post has issued
    in, not with its issues."""
    published = (Issue.post_id == post.id, Issue.published_at.is_not(None))
    latest = select(func.max(Issue.issue_date)).where(*published)
    years = latest.cte("years", recursive=True)
    start_of_year = _start_of_year(session, years.c[0])
    earlier = (
        select(func.max(Issue.issue_date))
        .where(*published, Issue.issue_date < start_of_year)
        .scalar_subquery()
    )
    years = years.union_all(select(earlier).where(years.c[0].is_not(None)))
    day = years.c[0]
    rows = session.scalars(select(day).where(day.is_not(None)).order_by(day.desc()))
    # SQLite gives the dates as text ("2018-10-22"), PostgreSQL as dates.
    return [int(str(day)[:4]) for day in rows]


def years_with_issues(post: Post) -> list[int]:
    """`issue_years` of the request's session, kept by the worker while the catalogue
    holds (`mall.memo`): a catalogue page's filter, the same for every page and visitor."""
    return memoized("issue_years", post.id, ("catalogue",),
                    lambda: issue_years(db.session, post))


def _start_of_year(session: Session, day: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, "start of year")
    return func.date_trunc("year", day)


def collections_with_counts(session: Session, post: Post) -> list[tuple[Collection, int]]:
    count = func.count(Issue.id)
    rows = session.execute(
        select(Collection, count)
        .outerjoin(collection_issue, collection_issue.c.collection_id == Collection.id)
        .outerjoin(Issue, and_(Issue.id == collection_issue.c.issue_id,
                               Issue.published_at.is_not(None)))
        .where(Collection.post_id == post.id)
        .group_by(Collection.id)
        .order_by(Collection.position, Collection.id)
    )
    return [(collection, int(n)) for collection, n in rows]
