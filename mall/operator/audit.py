"""The audit log at the operator's desk: every change an operator made, newest first. The
operator's alone: post staff, buyers and visitors are sent to the staff sign-in."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms import SelectField

from mall.audit.labels import ACTIONS, FAMILIES, action_label, target_label
from mall.audit.services import entries
from mall.extensions import db
from mall.forms import MallQueryForm
from mall.i18n import lazy_translate as _l
from mall.operator.auth import operator_required
from mall.operator.views import bp
from mall.pagination import requested_page


class AuditFilterForm(MallQueryForm):
    action = SelectField(_l("Actions"), default="")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _("All actions"))] + [
            (family, str(name)) for family, name in FAMILIES.items()
        ] + [(code, str(name)) for code, name in ACTIONS.items()]


@bp.get("/audit")
@operator_required
def audit() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    status = 200
    prefix = form.action.data or ""
    if not form.validate():
        prefix, status = "", 400
    page = db.paginate(entries(prefix), page=requested_page(),
                       per_page=current_app.config["OPERATOR_PAGE_SIZE"], error_out=False)
    return render_template("operator/audit.html", form=form, page=page,
                           action_label=action_label, target_label=target_label), status
