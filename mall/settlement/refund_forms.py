"""The refund form, the same for a post's manager (on its back-office order page) and for
the operator (at the desk): its fields, and turning what was posted into a refund or into
errors on the fields they are about.

Each form carries a one-time key drawn when the page is shown: posted twice, it finds the
refund it made; a key from another order's form is refused as expired."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from flask import request
from flask_babel import LazyString
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from mall.forms import MallForm
from mall.i18n import lazy_translate as _l
from mall.i18n import money_filter
from mall.operator.models import StaffMember
from mall.orders.models import PostOrder
from mall.settlement.models import Refund
from mall.settlement.refunds import Problem, RefundRefused, RefundRequest, refund, refund_by_key

#: A refund form's one-time key: `uuid4().hex`, made when the order page is drawn.
REFUND_KEY_PATTERN = r"^[0-9a-f]{32}$"
STRIP = [lambda value: value.strip() if isinstance(value, str) else value]

#: Why a refund was refused, as the person refunding reads it.
REFUSALS: dict[Problem, LazyString] = {
    Problem.NOT_PAID: _l("This order is not paid: there is nothing to refund."),
    Problem.NOTHING: _l("Choose how many stamps to refund, or the shipping."),
    Problem.TOO_MANY: _l("That is more than is left to refund of this line."),
    Problem.UNKNOWN_LINE: _l("This line is not part of the order."),
    Problem.SHIPPING_REFUNDED: _l("The shipping was already refunded."),
    Problem.OTHER_ORDER: _l("This form has expired: please check it and send it again."),
}


def refund_form(post_order: PostOrder, **kwargs: Any) -> Any:
    """A refund of part of `post_order`: a quantity field `quantity_<line id>` for each line
    with units left to refund, the shipping if it can still be refunded, and the form's
    one-time key."""
    left = {line.id: line.quantity - line.refunded_quantity for line in post_order.lines
            if line.refunded_quantity < line.quantity}
    shipping = post_order.shipping_minor > 0 and not post_order.shipping_refunded

    class RefundForm(MallForm):
        key = HiddenField(validators=[InputRequired(), Regexp(REFUND_KEY_PATTERN)])
        restock = BooleanField(_l("Put the stamps back in stock"))
        reason = TextAreaField(_l("Reason"), filters=STRIP, validators=[Length(max=500)],
                               description=_l("The buyer reads it in the refund's mail."))

    for line_id, units in left.items():
        setattr(RefundForm, f"quantity_{line_id}", IntegerField(
            _l("Quantity to refund"), default=0,
            validators=[Optional(), NumberRange(0, units, message=_l(
                "Type a number from 0 to %(max)d."))],
        ))
    if shipping:
        RefundForm.shipping = BooleanField(_l("Refund the shipping"))
    #: Whether anything is left to refund (else the page says all of it was).
    RefundForm.refundable = bool(left) or shipping
    return RefundForm(**kwargs)


def fresh_refund_form(post_order: PostOrder) -> Any:
    """The form as a page first shows it, with a new one-time key."""
    return refund_form(post_order, formdata=None, data={"key": uuid4().hex})


@dataclass(slots=True)
class Submitted:
    """What became of a posted refund form: `refund` is set when one was made now
    (`replayed` False) or found from an earlier post of the same form (`replayed` True);
    otherwise `form` carries the errors to show."""

    form: Any
    refund: Refund | None = None
    replayed: bool = False


def submit_refund_form(
    session: Session, post_order: PostOrder, staff: StaffMember, now: datetime
) -> Submitted:
    form = refund_form(post_order)
    key = form.key.data if isinstance(form.key.data, str) else ""
    # The key is checked before any quantity: replayed, the form asks for stamps that its
    # first post already refunded.
    earlier = refund_by_key(session, key) if re.fullmatch(REFUND_KEY_PATTERN, key) else None
    if earlier is not None and earlier.post_order_id == post_order.id:
        return Submitted(form, earlier, replayed=True)
    if earlier is not None or not form.validate_on_submit():
        if earlier is not None or form.key.errors:
            _expired(form)
        return Submitted(form)
    wanted = RefundRequest(
        key=key,
        quantities={line.id: form[f"quantity_{line.id}"].data or 0
                    for line in post_order.lines if f"quantity_{line.id}" in form},
        # Asked again in a form drawn before it was refunded: the refusal says so.
        shipping=bool(form.shipping.data) if "shipping" in form
        else post_order.shipping_refunded and "shipping" in request.form,
        restock=bool(form.restock.data),
        reason=form.reason.data or "",
    )
    try:
        made = refund(session, post_order, wanted, staff, now)
    except RefundRefused as refused:
        _explain(form, refused)
        return Submitted(form)
    # The same form posted twice at once: `refund` found the other post's refund.
    return Submitted(form, made, replayed=made.created_at != now)


def _expired(form: Any) -> None:
    """The form's key is not one this page drew: say so, and draw a new one."""
    form.form_errors.append(str(REFUSALS[Problem.OTHER_ORDER]))
    form.key.data = uuid4().hex


def _explain(form: Any, refused: RefundRefused) -> None:
    """Put the refusal's reason on the field it is about (the form's top otherwise)."""
    if refused.problem is Problem.OTHER_ORDER:
        _expired(form)
        return
    message = str(REFUSALS[refused.problem])
    name = None
    if refused.problem is Problem.TOO_MANY and refused.line is not None:
        name = f"quantity_{refused.line.id}"
    elif refused.problem is Problem.SHIPPING_REFUNDED:
        name = "shipping"
    if name is not None and name in form:
        form[name].errors.append(message)
    else:
        form.form_errors.append(message)


def refund_made_message(made: Refund) -> str:
    return _("%(amount)s of order %(code)s is refunded: the buyer gets %(back)s back and is "
             "told by mail.", amount=_money(made.gross), code=made.order.code,
             back=_money(made.presentment))


def _money(value: Any) -> str:

    return money_filter(value)
