"""The operator's books at the portal: the dashboard, the trial balance, and the money in
suspense waiting for a decision. Views parse and render; `mall.ledger` and
`mall.settlement` decide."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from mall.audit.services import record
from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import money_filter
from mall.ledger.balances import trial_balance
from mall.money import Money
from mall.operator.auth import current_operator, operator_required
from mall.operator.forms import SuspenseForm
from mall.operator.views import bp
from mall.posts.models import Post
from mall.sales.charts import Bar, bar_chart
from mall.settlement import desk
from mall.settlement.dashboard import PostSales
from mall.settlement.dashboard import dashboard as read_dashboard
from mall.settlement.models import SuspenseItem


@bp.get("/dashboard")
@operator_required
def dashboard() -> ResponseReturnValue:
    figures = read_dashboard(db.session, utcnow())
    posts = {post.id: post for post in db.session.query(Post)}
    charts = {sales.post.id: _chart(sales) for sales in figures.sales}
    return render_template("operator/dashboard.html", figures=figures, charts=charts,
                           posts=posts)


def _chart(sales: PostSales) -> object:
    locale = get_locale() or "en"
    bars = [
        Bar(
            label=format_date(start, "MMM yy"),
            value=amount.to_decimal(),
            text=_("%(month)s: %(amount)s", month=start.strftime("%Y-%m"),
                   amount=money_filter(amount)),
        )
        for start, amount in sales.months
    ]
    name = sales.post.name.get(str(locale)) or sales.post.name.get("en") or sales.post.code
    return bar_chart(
        bars,
        ident=f"sales-{sales.post.code}",
        title=_("%(post)s: sales per month, in %(currency)s", post=name,
                currency=sales.currency),
        desc=_("Bar chart of %(post)s's gross sales in each of the last %(num)d months; "
               "total %(total)s.", post=name, num=len(bars), total=money_filter(sales.total)),
        empty=_("No sales yet."),
        locale=locale,
    )


@bp.get("/ledger")
@operator_required
def ledger() -> ResponseReturnValue:
    rows = trial_balance(db.session)
    posts = {post.id: post for post in db.session.query(Post)}
    totals: dict[str, tuple[Money, Money]] = {}
    for row in rows:
        zero = Money.zero(row.currency)
        debits, credits = totals.get(row.currency, (zero, zero))
        totals[row.currency] = (debits + row.debits, credits + row.credits)
    return render_template("operator/ledger.html", rows=rows, posts=posts, totals=totals)


@bp.get("/suspense")
@operator_required
def suspense() -> ResponseReturnValue:
    return _suspense_page(None, None, 200)


def _suspense_page(form: SuspenseForm | None, failed: int | None,
                   status: int) -> ResponseReturnValue:
    items = desk.open_items(db.session)
    forms = {item.id: SuspenseForm(prefix=f"item-{item.id}") if item.id != failed else form
             for item in items}
    return render_template("operator/suspense.html", items=items, forms=forms), status


@bp.post("/suspense/<int:item_id>")
@operator_required
def resolve_suspense(item_id: int) -> ResponseReturnValue:
    item = db.session.get(SuspenseItem, item_id) or abort(404)
    form = SuspenseForm(prefix=f"item-{item.id}")
    if not form.validate_on_submit():
        return _suspense_page(form, item.id, 400)
    staff, now = current_operator(), utcnow()
    reference = form.reference.data or ""
    record(db.session, staff, "suspense.resolve", item, before={"status": item.status},
           after={"action": form.action.data, "reference": reference})
    try:
        match form.action.data:
            case "accept_short":
                desk.accept_short(db.session, item, staff, now)
                flash(_("Order %(code)s is paid; the shortfall is booked as a bank fee.",
                        code=item.order.code), "success")
            case "ask_rest":
                mailed = desk.ask_for_rest(db.session, item, staff, now)
                flash(_("The buyer was asked for the rest of order %(code)s.",
                        code=item.order.code) if mailed else
                      _("The buyer could not be mailed (%(email)s): please ask them another "
                        "way.", email=item.order.email), "success" if mailed else "warning")
            case "refund_excess":
                excess = desk.refund_excess(db.session, item, reference, staff, now)
                flash(_("Order %(code)s is paid and %(amount)s was sent back.",
                        code=item.order.code, amount=money_filter(excess)), "success")
            case _:
                desk.return_all(db.session, item, reference, staff, now)
                flash(_("%(amount)s was sent back.", amount=money_filter(item.amount)),
                      "success")
    except desk.DeskRefused as refused:
        db.session.rollback()
        form.action.errors.append(_suspense_problem(refused.problem))
        return _suspense_page(form, item.id, 409 if refused.problem is
                              desk.Problem.RESOLVED else 400)
    return redirect(url_for("operator.suspense"))


def _suspense_problem(problem: desk.Problem) -> str:
    return {
        desk.Problem.RESOLVED: _("This money was already dealt with."),
        desk.Problem.NOT_SHORT: _("Only a short payment can be accepted as it is or completed."),
        desk.Problem.NOT_OVER: _("Only an overpayment has an excess to send back."),
        desk.Problem.ORDER_NOT_PAYABLE: _("The order can no longer be paid (it was cancelled "
                                          "or paid otherwise): send the money back."),
        desk.Problem.NO_REFERENCE: _("Give the reference of the bank transfer that sent the "
                                     "money back."),
    }[problem]
