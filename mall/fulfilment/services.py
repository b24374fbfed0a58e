"""Packing, shipping and delivering one post's part of an order.

Each step is one conditional UPDATE on the post order's status, so that a form sent twice,
or two clerks at two desks, move an order once (invariant 4); the second gets a clear
refusal instead of a second shipment."""

from __future__ import annotations

from datetime import datetime

from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mall.fulfilment.models import Shipment, TrackingRange
from mall.fulfilment.s10 import (
    SERVICE_LETTERS,
    InvalidTrackingNumber,
    TrackingNumber,
    validate_for,
)
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.operator.models import StaffMember
from mall.orders.guest_links import order_link
from mall.orders.models import PostOrder, PostOrderStatus
from mall.shipping.models import ShippingKind

#: Why a clerk's number was refused, in the clerk's language.
NUMBER_REFUSALS: dict[str, LazyString] = {
    "format": _l("A tracking number has 2 letters, 9 digits and 2 letters, like RA473124829UY."),
    "check digit": _l("The check digit (the 9th digit) does not match: please check the number."),
    "country": _l("The number must end with this post's country code."),
    "service": _l("The number's first letter does not fit the shipping service of this order."),
    "taken": _l("This tracking number is already on another shipment."),
    "required": _l("This service is tracked: type a tracking number or issue one from a range."),
    "no range": _l("No tracking number range is left for this service: add one in Settings."),
}


class FulfilmentRefused(Exception):
    """A step that cannot be taken now; `message` says why, in the reader's language."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


def shipping_kind(post_order: PostOrder) -> ShippingKind | None:
    """The service the buyer chose, or None when the post has since deleted that method."""
    method = post_order.shipping_method
    return method.kind if method is not None else None


def is_tracked(post_order: PostOrder) -> bool:
    method = post_order.shipping_method
    return method is None or method.tracked


def mark_packed(session: Session, post_order: PostOrder) -> None:
    _move(session, post_order, (PostOrderStatus.TO_SHIP,), PostOrderStatus.PACKED)


def ship(
    session: Session,
    post_order: PostOrder,
    *,
    number: str | None,
    staff: StaffMember | None,
    now: datetime,
) -> Shipment:
    """Hand the post order to the carrier, with a typed S10 number, one issued from the
    post's ranges (`number` None on a tracked service), or none for an untracked letter.
    The buyer is mailed the number (after the commit, through the outbox)."""
    kind = shipping_kind(post_order)
    tracking = _tracking_number(session, post_order, kind, number)
    _move(
        session, post_order, (PostOrderStatus.TO_SHIP, PostOrderStatus.PACKED),
        PostOrderStatus.SHIPPED,
    )
    shipment = Shipment(
        post_order=post_order,
        post_id=post_order.post_id,
        kind=kind or ShippingKind.PARCEL,
        tracking_number=str(tracking) if tracking else None,
        shipped_at=now,
        shipped_by_id=staff.id if staff is not None else None,
    )
    session.add(shipment)
    session.flush()
    _mail_buyer(post_order, shipment)
    return shipment


def mark_delivered(session: Session, post_order: PostOrder, now: datetime) -> None:
    _move(session, post_order, (PostOrderStatus.SHIPPED,), PostOrderStatus.DELIVERED)
    if post_order.shipment is not None:
        post_order.shipment.delivered_at = now
        session.flush()


def add_range(session: Session, post_code: str, post_id: int, service: str, first: int,
              last: int) -> TrackingRange:
    """Record a block of serials the post was allotted (replacing an older one for the same
    service indicator)."""
    service = service.strip().upper()
    if len(service) != 2 or not service.isalpha() or not service.isascii():
        raise FulfilmentRefused(_l("A service indicator is two letters, like RA or EE."))
    if not any(service[0] in letters for letters in SERVICE_LETTERS.values()):
        raise FulfilmentRefused(_l("S10 service indicators start with R, E, C, V, L or U."))
    if not 0 <= first <= last <= 99_999_999:
        raise FulfilmentRefused(_l("Serials are 8 digits, and the first is not above the last."))
    found = session.scalar(
        select(TrackingRange).where(
            TrackingRange.post_id == post_id, TrackingRange.service == service
        )
    )
    if found is None:
        found = TrackingRange(post_id=post_id, service=service, next_serial=first,
                              last_serial=last)
        session.add(found)
    else:
        found.next_serial, found.last_serial = first, last
    session.flush()
    return found


def issue_number(session: Session, post_id: int, country: str,
                 kind: ShippingKind | None) -> TrackingNumber:
    """The next serial of a range that fits `kind`, taken with one conditional UPDATE, so two
    clerks shipping at once never get the same number."""
    letters = SERVICE_LETTERS[kind] if kind is not None else tuple("RECVLU")
    ranges = session.scalars(
        select(TrackingRange)
        .where(TrackingRange.post_id == post_id)
        .order_by(TrackingRange.service)
    ).all()
    for candidate in ranges:
        if candidate.service[0] not in letters:
            continue
        taken = session.execute(
            update(TrackingRange)
            .where(
                TrackingRange.id == candidate.id,
                TrackingRange.next_serial <= TrackingRange.last_serial,
            )
            .values(next_serial=TrackingRange.next_serial + 1)
            .returning(TrackingRange.next_serial)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if taken is not None:
            session.expire(candidate)
            return TrackingNumber(candidate.service, taken - 1, country.upper())
    raise FulfilmentRefused(NUMBER_REFUSALS["no range"])


def _tracking_number(
    session: Session, post_order: PostOrder, kind: ShippingKind | None, number: str | None
) -> TrackingNumber | None:
    country = post_order.post.code
    if not number or not number.strip():
        if not is_tracked(post_order):
            return None
        return issue_number(session, post_order.post_id, country, kind)
    try:
        tracking = (
            validate_for(number, country, kind)
            if kind is not None
            else _any_service(number, country)
        )
    except InvalidTrackingNumber as refused:
        raise FulfilmentRefused(NUMBER_REFUSALS[refused.reason]) from refused
    taken = session.scalar(
        select(Shipment.id).where(Shipment.tracking_number == str(tracking))
    )
    if taken is not None:
        raise FulfilmentRefused(NUMBER_REFUSALS["taken"])
    return tracking


def _any_service(number: str, country: str) -> TrackingNumber:
    for kind in ShippingKind:
        try:
            return validate_for(number, country, kind)
        except InvalidTrackingNumber as refused:
            if refused.reason != "service":
                raise
    raise InvalidTrackingNumber("service")


_REFUSED_MOVES: dict[PostOrderStatus, LazyString] = {
    PostOrderStatus.PACKED: _l("Only a paid order that is not shipped yet can be packed."),
    PostOrderStatus.SHIPPED: _l("This order is not waiting to be shipped (it may be shipped "
                                "already, unpaid or cancelled)."),
    PostOrderStatus.DELIVERED: _l("Only a shipped order can be marked delivered."),
}


def _move(
    session: Session,
    post_order: PostOrder,
    sources: tuple[PostOrderStatus, ...],
    target: PostOrderStatus,
) -> None:
    moved = session.execute(
        update(PostOrder)
        .where(PostOrder.id == post_order.id, PostOrder.status.in_(sources))
        .values(status=target)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        session.refresh(post_order)
        raise FulfilmentRefused(_REFUSED_MOVES[target])
    post_order.status = target
    session.flush()


def _mail_buyer(post_order: PostOrder, shipment: Shipment) -> None:
    order = post_order.order
    send_templated_mail(
        order.email,
        "shipped",
        _l("Part of your order %(code)s is on its way", code=order.code),
        order.locale,
        order=order,
        post_order=post_order,
        shipment=shipment,
        order_url=order_link(order),
    )
