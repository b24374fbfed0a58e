"""The post's sales figures in its back office: per year with growth, by buyer country, the
best-selling issues — charts a person can read, the same numbers as tables and as CSV."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from mall.extensions import db
from mall.i18n import formatting_locale
from mall.operator.models import StaffRole
from mall.sales.charts import draw_charts
from mall.sales.export import sales_csv
from mall.sales.figures import sales_figures
from mall.tenancy import current_post
from vendors.backoffice.access import staff_required
from vendors.backoffice.blueprint import bp


@bp.get("/sales")
@staff_required(StaffRole.POST_CLERK)
def sales() -> ResponseReturnValue:
    figures = sales_figures(db.session, current_post())
    return render_template("backoffice/sales.html", figures=figures,
                           charts=draw_charts(figures, formatting_locale()))


@bp.get("/sales.csv")
@staff_required(StaffRole.POST_CLERK)
def sales_download() -> ResponseReturnValue:
    post = current_post()
    data = sales_csv(sales_figures(db.session, post), formatting_locale())
    return data, 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="sales-{post.code}.csv"',
    }
