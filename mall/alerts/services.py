"""Following, and telling followers of new issues."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import and_, delete, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from mall.accounts.models import Buyer
from mall.alerts.models import AlertDelivery, Follow, FollowKind, Frequency
from mall.catalogue.models import Collection, Issue, Theme, collection_issue
from mall.columns import utcnow
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.posts.models import Post, PostStatus

_UNSUBSCRIBE_SALT = "alerts-unsubscribe"


@dataclass(frozen=True)
class Target:
    """What can be followed, as a collector sees it."""

    kind: FollowKind
    id: int
    name: Mapping[str, str]
    #: The post it belongs to: the post itself, a collection's post; None for a theme.
    post: Post | None
    #: Where it is shown to buyers.
    url: str


def find_target(session: Session, kind: str, ref: str) -> Target | None:
    """The post (by code), theme (by slug) or collection (by id) a follow link names, if it
    exists and is on sale in the mall; None for anything else a link could say."""
    if kind == FollowKind.POST.value:
        post = session.scalar(select(Post).where(Post.code == ref,
                                                 Post.status == PostStatus.LIVE))
        return _post_target(post) if post else None
    if kind == FollowKind.THEME.value:
        theme = session.scalar(select(Theme).where(Theme.slug == ref))
        return _theme_target(theme) if theme else None
    if kind == FollowKind.COLLECTION.value and ref.isdigit() and len(ref) < 10:
        found = session.execute(
            select(Collection, Post).join(Post, Post.id == Collection.post_id)
            .where(Collection.id == int(ref), Post.status == PostStatus.LIVE)).first()
        return _collection_target(*found) if found else None
    return None


def _post_target(post: Post) -> Target:
    return Target(FollowKind.POST, post.id, post.name, post,
                  url_for("storefront.home", cc=post.code, _external=True))


def _theme_target(theme: Theme) -> Target:
    return Target(FollowKind.THEME, theme.id, theme.name, None,
                  url_for("portal.search", theme=theme.slug, _external=True))


def _collection_target(collection: Collection, post: Post) -> Target:
    return Target(FollowKind.COLLECTION, collection.id, collection.name, post,
                  url_for("storefront.collection", cc=post.code, slug=collection.slug,
                          _external=True))


def follow(session: Session, buyer: Buyer, target: Target, frequency: Frequency) -> bool:
    """Follow `target` (or change how often, if already followed); True when new."""
    existing = session.scalar(select(Follow).where(
        Follow.buyer_id == buyer.id, Follow.kind == target.kind, Follow.target_id == target.id))
    if existing is not None:
        existing.frequency = frequency
        return False
    try:
        with session.begin_nested():
            session.add(Follow(buyer_id=buyer.id, kind=target.kind, target_id=target.id,
                               frequency=frequency))
    except IntegrityError:  # the same follow, sent twice at once
        return False
    return True


def follows_of(session: Session, buyer: Buyer) -> list[tuple[Follow, Target]]:
    """The buyer's follows with what they follow, oldest first; at most four queries."""
    follows = list(session.scalars(
        select(Follow).where(Follow.buyer_id == buyer.id).order_by(Follow.id)))
    wanted: dict[FollowKind, set[int]] = {}
    for found in follows:
        wanted.setdefault(found.kind, set()).add(found.target_id)
    targets: dict[tuple[FollowKind, int], Target] = {}
    if wanted.get(FollowKind.POST):
        for post in session.scalars(select(Post).where(Post.id.in_(wanted[FollowKind.POST]))):
            targets[FollowKind.POST, post.id] = _post_target(post)
    if wanted.get(FollowKind.THEME):
        for theme in session.scalars(select(Theme).where(Theme.id.in_(wanted[FollowKind.THEME]))):
            targets[FollowKind.THEME, theme.id] = _theme_target(theme)
    if wanted.get(FollowKind.COLLECTION):
        for collection, post in session.execute(
            select(Collection, Post).join(Post, Post.id == Collection.post_id)
            .where(Collection.id.in_(wanted[FollowKind.COLLECTION]))
        ):
            targets[FollowKind.COLLECTION, collection.id] = _collection_target(collection, post)
    return [(found, targets[found.kind, found.target_id]) for found in follows
            if (found.kind, found.target_id) in targets]


def own_follow(session: Session, buyer: Buyer, follow_id: int) -> Follow | None:
    return session.scalar(select(Follow).where(Follow.id == follow_id,
                                               Follow.buyer_id == buyer.id))


def stop_all(session: Session, buyer: Buyer) -> int:
    """Every follow of the buyer removed (the link in each alert); how many there were."""
    return session.execute(
        delete(Follow).where(Follow.buyer_id == buyer.id),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount


# -- Telling followers -------------------------------------------------------------------


def alert_followers(session: Session, issue: Issue) -> None:
    """The listener of an issue going on sale (`mall.catalogue.publishing`): every
    collector following its post, one of its themes or a collection holding it is told once
    — by mail now if any of those follows says "immediately", else in the next digest."""
    post = issue.post
    if post.status is not PostStatus.LIVE:
        return
    theme_ids = [theme.id for theme in issue.themes]
    collection_ids = select(collection_issue.c.collection_id).where(
        collection_issue.c.issue_id == issue.id)
    matching = or_(
        and_(Follow.kind == FollowKind.POST, Follow.target_id == post.id),
        and_(Follow.kind == FollowKind.THEME, Follow.target_id.in_(theme_ids))
        if theme_ids else false(),
        and_(Follow.kind == FollowKind.COLLECTION, Follow.target_id.in_(collection_ids)),
    )
    told = select(AlertDelivery.buyer_id).where(AlertDelivery.issue_id == issue.id)
    immediately: dict[int, bool] = {}
    for buyer_id, frequency in session.execute(
        select(Follow.buyer_id, Follow.frequency)
        .where(matching, Follow.buyer_id.not_in(told))
    ):
        immediately[buyer_id] = immediately.get(buyer_id, False) or (
            frequency is Frequency.IMMEDIATELY)
    if not immediately:
        return
    now = utcnow()
    buyers = session.scalars(select(Buyer).where(Buyer.id.in_(immediately))).all()
    for buyer in sorted(buyers, key=lambda b: b.id):
        now_or_later = now if immediately[buyer.id] else None
        session.add(AlertDelivery(buyer_id=buyer.id, issue_id=issue.id, sent_at=now_or_later))
        if now_or_later is not None:
            _mail(buyer, [issue], "alert_new_issue",
                  _l("New from %(post)s: %(title)s", post=in_language(post.name, buyer),
                     title=in_language(issue.title, buyer)))
    session.flush()


def send_digests(session: Session, now: datetime) -> int:
    """One mail per collector with every issue waiting for their digest that is still on
    sale; the waiting rows are marked sent with the mail, in one transaction, so a digest
    run twice sends nothing twice. How many mails were written."""
    waiting = session.scalars(
        select(AlertDelivery).where(AlertDelivery.sent_at.is_(None))
        .order_by(AlertDelivery.buyer_id, AlertDelivery.id)
    ).all()
    issues = {issue.id: issue for issue in session.scalars(
        select(Issue).where(Issue.id.in_({d.issue_id for d in waiting}))
        .options(joinedload(Issue.post)))}
    buyers = {buyer.id: buyer for buyer in session.scalars(
        select(Buyer).where(Buyer.id.in_({d.buyer_id for d in waiting})))}
    per_buyer: dict[int, list[Issue]] = {}
    for delivery in waiting:
        delivery.sent_at = now
        issue = issues[delivery.issue_id]
        if issue.is_published and issue.post.status is PostStatus.LIVE:
            per_buyer.setdefault(delivery.buyer_id, []).append(issue)
    for buyer_id, found in per_buyer.items():
        _mail(buyers[buyer_id], found, "alert_digest", _l("New issues at stamps.post"))
    session.flush()
    return len(per_buyer)


def in_language(values: Mapping[str, str], buyer: Buyer) -> str:
    """A translated text in the buyer's language, for a mail's subject."""
    language = buyer.preferred_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    for code in (language, "en"):
        if values.get(code):
            return values[code]
    return next(iter(values.values()), "")


def _mail(buyer: Buyer, issues: list[Issue], template: str, subject: object) -> None:
    send_templated_mail(
        buyer.email, template, subject, buyer.preferred_locale,
        buyer=buyer,
        issues=[(issue, url_for("storefront.issue", cc=issue.post.code, slug=issue.slug,
                                _external=True)) for issue in issues],
        manage_url=url_for("alerts.index", _external=True),
        stop_url=url_for("alerts.unsubscribe", token=unsubscribe_token(buyer),
                         _external=True),
    )


# -- Unsubscribing without signing in ---------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(buyer: Buyer) -> str:
    """The buyer's "stop all alerts" key, in every alert: it stops alerts and nothing else,
    so it needs no expiry, and it works without signing in."""
    return _serializer().dumps(buyer.id)


def buyer_for_token(session: Session, token: str) -> Buyer | None:
    try:
        buyer_id = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(buyer_id, int):
        return None
    return session.get(Buyer, buyer_id)
