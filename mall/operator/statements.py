"""Settlement at the operator's desk: settle a month, approve its statements, pay them
(Stripe transfer, bank transfer or UPU clearing), and say how each post is paid."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from mall.audit.services import Target, record
from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import money_filter
from mall.ledger.balances import owed_to_posts
from mall.money import Money
from mall.operator.auth import current_operator, operator_required
from mall.operator.forms import ConfirmForm, PayoutAccountForm, PayoutForm, PeriodForm
from mall.operator.views import bp
from mall.outbox.services import enqueue
from mall.posts.models import Post
from mall.settlement.downloads import statement_download
from mall.settlement.models import PayoutMethod, Statement
from mall.settlement.payouts import (
    PayoutDetails,
    PayoutRefused,
    Problem,
    payout_account,
    payout_accounts,
    provider_for,
    stripe_served,
)
from mall.settlement.periods import BadPeriod, last_ended_period, parse_period, period_name
from mall.settlement.statements import approve, settle, statement_lines, statements_of


@bp.get("/statements")
@operator_required
def statements() -> ResponseReturnValue:
    now = utcnow()
    period = last_ended_period(now)
    asked = request.args.get("period", "")
    status = 200
    form = PeriodForm(data={"period": period_name(period)})
    if asked:
        try:
            period = parse_period(asked)
            form.period.data = asked
        except BadPeriod:
            form.period.errors = [_("Write the month as YYYY-MM, for example 2026-11.")]
            status = 400
    return render_template("operator/statements.html", form=form, period=period,
                           name=period_name(period),
                           statements=statements_of(db.session, period)), status


@bp.post("/statements/settle")
@operator_required
def settle_period() -> ResponseReturnValue:
    form = PeriodForm()
    if not form.validate_on_submit():
        return render_template("operator/statements.html", form=form, period=None,
                               name="", statements=[]), 400
    try:
        made = settle(db.session, form.month, utcnow())
    except BadPeriod:
        db.session.rollback()
        form.period.errors.append(_("%(period)s has not ended yet: a month is settled once "
                                    "it is over.", period=period_name(form.month)))
        return render_template("operator/statements.html", form=form, period=form.month,
                               name=period_name(form.month),
                               statements=statements_of(db.session, form.month)), 400
    record(db.session, current_operator(), "statement.settle",
           Target("period", period_name(form.month), period_name(form.month)),
           after={"statements": len(made)})
    flash(_("%(period)s settled: %(num)d statements.", period=period_name(form.month),
            num=len(made)), "success")
    return redirect(url_for("operator.statements", period=period_name(form.month)))


def _statement(statement_id: int) -> Statement:
    return db.session.get(Statement, statement_id) or abort(404)


@bp.get("/statements/<int:statement_id>")
@operator_required
def statement(statement_id: int) -> ResponseReturnValue:
    return _statement_page(_statement(statement_id), None, 200)


def _statement_page(statement: Statement, pay_form: PayoutForm | None,
                    status: int) -> ResponseReturnValue:
    account = payout_accounts(db.session, [statement.post_id])[statement.post_id]
    if pay_form is None:
        pay_form = PayoutForm(data={"method": account.method.value,
                                    "account_number": account.account_number,
                                    "bic": account.bic})
    return render_template(
        "operator/statement.html",
        statement=statement,
        lines=statement_lines(db.session, statement),
        account=account,
        pay_form=pay_form,
        confirm=ConfirmForm(),
        name=period_name(statement.period),
    ), status


@bp.post("/statements/<int:statement_id>/approve")
@operator_required
def approve_statement(statement_id: int) -> ResponseReturnValue:
    statement = _statement(statement_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if approve(db.session, statement, current_operator(), utcnow()):
        record(db.session, current_operator(), "statement.approve", statement,
               before={"status": "draft"}, after={"status": statement.status})
        flash(_("Statement approved: it can be paid now."), "success")
    else:
        flash(_("This statement was already approved."), "info")
    return redirect(url_for("operator.statement", statement_id=statement.id))


@bp.post("/statements/<int:statement_id>/pay")
@operator_required
def pay_statement(statement_id: int) -> ResponseReturnValue:
    statement = _statement(statement_id)
    form = PayoutForm()
    if not form.validate_on_submit():
        return _statement_page(statement, form, 400)
    method = PayoutMethod(form.method.data)
    details = PayoutDetails(reference=form.reference.data or "",
                            account_number=form.account_number.data or "",
                            bic=form.bic.data or "")
    try:
        payouts = provider_for(method).pay(db.session, statement, details, current_operator(),
                                           utcnow())
    except PayoutRefused as refused:
        db.session.rollback()
        _explain(form, refused)
        return _statement_page(statement, form, 409 if refused.problem in (
            Problem.ALREADY_PAID, Problem.IN_PROGRESS, Problem.NOT_APPROVED) else 400)
    total = sum(payout.amount_minor for payout in payouts)
    record(db.session, current_operator(), "payout.record", statement,
           after={"method": method, "amount": Money(total, statement.currency),
                  "payouts": len(payouts), "reference": details.reference})
    if method is PayoutMethod.STRIPE:
        flash(_("%(num)d Stripe transfers are on their way; this page shows each one's "
                "outcome.", num=len(payouts)), "success")
    else:
        flash(_("Payout of %(amount)s recorded.",
                amount=money_filter(Money(total, statement.currency))),
              "success")
    return redirect(url_for("operator.statement", statement_id=statement.id))


def _explain(form: PayoutForm, refused: PayoutRefused) -> None:
    messages = {
        Problem.NOT_APPROVED: _("Approve the statement before paying it."),
        Problem.ALREADY_PAID: _("This statement is paid already."),
        Problem.NOTHING_OWED: _("Nothing is left to pay on this statement."),
        Problem.IN_PROGRESS: _("Transfers for this statement are still on their way: wait "
                               "for their outcome."),
        Problem.NOT_SERVED: _("Stripe Connect does not serve this post's country: pay by "
                              "bank transfer or UPU clearing."),
        Problem.NO_ACCOUNT: _("This post has no connected Stripe account yet: connect one "
                              "on its payout page."),
        Problem.NO_REFERENCE: _("Give the reference of the bank transfer or clearing entry."),
    }
    if refused.problem is Problem.BAD_ACCOUNT:
        form.account_number.errors.append(str(refused.detail))
    elif refused.problem is Problem.BAD_BIC:
        form.bic.errors.append(str(refused.detail))
    elif refused.problem is Problem.NO_REFERENCE:
        form.reference.errors.append(messages[refused.problem])
    else:
        form.form_errors.append(messages[refused.problem])


@bp.get("/statements/<int:statement_id>.csv")
@operator_required
def statement_as_csv(statement_id: int) -> ResponseReturnValue:
    return statement_download(_statement(statement_id), "csv")


@bp.get("/statements/<int:statement_id>.pdf")
@operator_required
def statement_as_pdf(statement_id: int) -> ResponseReturnValue:
    return statement_download(_statement(statement_id), "pdf")


@bp.get("/posts")
@operator_required
def posts() -> ResponseReturnValue:
    rows = list(db.session.scalars(select(Post).order_by(Post.code)))
    accounts = payout_accounts(db.session, [post.id for post in rows])
    owed = owed_to_posts(db.session)
    return render_template("operator/posts.html", posts=rows, accounts=accounts,
                           owed={post_id: amount for (post_id, _c), amount in owed.items()},
                           served={post.id: stripe_served(post.code) for post in rows})


def _post(code: str) -> Post:
    return db.session.scalar(select(Post).where(Post.code == code.lower())) or abort(404)


@bp.route("/posts/<code>/payouts", methods=["GET", "POST"])
@operator_required
def post_payouts(code: str) -> ResponseReturnValue:
    post = _post(code)
    account = payout_accounts(db.session, [post.id])[post.id]
    form = PayoutAccountForm(data={"method": account.method.value})
    if form.validate_on_submit():
        account = payout_account(db.session, post.id)
        method = PayoutMethod(form.method.data)
        if method is PayoutMethod.STRIPE and not stripe_served(post.code):
            form.method.errors.append(_("Stripe Connect does not serve %(country)s: choose "
                                        "bank transfer or UPU clearing.",
                                        country=post.code.upper()))
        else:
            record(db.session, current_operator(), "payout.method", post,
                   before={"method": account.method}, after={"method": method})
            account.method, account.updated_at = method, utcnow()
            flash(_("%(post)s is now paid by %(method)s.", post=post.code.upper(),
                    method=dict(form.method.choices)[method.value]), "success")
            return redirect(url_for("operator.post_payouts", code=post.code))
    status = 400 if form.is_submitted() else 200
    return render_template("operator/post_payouts.html", post=post, account=account,
                           form=form, confirm=ConfirmForm(),
                           served=stripe_served(post.code)), status


@bp.post("/posts/<code>/stripe-account")
@operator_required
def connect_stripe(code: str) -> ResponseReturnValue:
    """Open a connected account at Stripe for the post, after the commit (outbox)."""
    post = _post(code)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    account = payout_account(db.session, post.id)
    if not stripe_served(post.code):
        abort(409)
    if account.stripe_account_id:
        flash(_("This post already has a connected Stripe account."), "info")
    elif current_app.config.get("STRIPE_SECRET_KEY"):
        enqueue(db.session, "settlement.connect_account", {"post_id": post.id})
        record(db.session, current_operator(), "payout.stripe_account", post)
        flash(_("The Stripe account is being opened: reload this page in a moment."),
              "success")
    else:
        flash(_("Stripe is not configured on this mall."), "warning")
    return redirect(url_for("operator.post_payouts", code=post.code))
