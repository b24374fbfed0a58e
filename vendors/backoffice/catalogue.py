"""The post's catalogue in its back office: issues as drafts, their translations, products,
publishing, and stock changed by hand with a reason and a history."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mall.catalogue.editing import (
    CatalogueRefused,
    IssueValues,
    ProductValues,
    adjust_stock,
    publish,
    save_issue,
    save_product,
    stock_history,
    unpublish,
)
from mall.catalogue.models import Condition, Issue, Product, ProductFormat, StockReason, Theme
from mall.catalogue.spreadsheet import ImportFailed, Problem, columns, export_csv, import_csv
from mall.columns import utcnow
from mall.extensions import db
from mall.i18n import localized
from mall.media.images import ImageRefused, remove_image, store_image
from mall.media.storage import storage
from mall.money import Money
from mall.operator.models import StaffRole
from mall.pagination import requested_page
from mall.posts.models import Post
from mall.tenancy import current_post, get_owned_or_404, scoped
from vendors.backoffice.access import current_post_staff, staff_required
from vendors.backoffice.blueprint import bp
from vendors.backoffice.forms import (
    ActionForm,
    ImportForm,
    PictureForm,
    ProductForm,
    StockForm,
    issue_form,
)

#: A catalogue of 50,000 rows is about 10 MB.
MAX_IMPORT_BYTES = 20_000_000


@bp.get("/issues")
@staff_required(StaffRole.POST_CLERK)
def issues() -> ResponseReturnValue:
    query = (
        scoped(Issue)
        .options(selectinload(Issue.products))
        .order_by(Issue.published_at.is_not(None), Issue.issue_date.desc(), Issue.id.desc())
    )
    page = db.paginate(query, page=requested_page(),
                       per_page=current_app.config["OPERATOR_PAGE_SIZE"], error_out=False)
    return render_template("backoffice/issues.html", page=page)


@bp.route("/issues/new", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def new_issue() -> ResponseReturnValue:
    post = current_post()
    form = _issue_form(post)
    if form.validate_on_submit():
        try:
            issue = save_issue(db.session, post, _issue_values(form, post))
        except CatalogueRefused as refused:
            _refuse(form, refused)
        else:
            flash(_("The draft is saved. Add its products, then publish it."), "success")
            return redirect(url_for(".edit_issue", issue_id=issue.id))
    return _issue_page(form, None)


@bp.route("/issues/<int:issue_id>", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def edit_issue(issue_id: int) -> ResponseReturnValue:
    post = current_post()
    issue = get_owned_or_404(Issue, issue_id)
    form = _issue_form(post, issue)
    if form.validate_on_submit():
        try:
            save_issue(db.session, post, _issue_values(form, post), issue)
        except CatalogueRefused as refused:
            _refuse(form, refused)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".edit_issue", issue_id=issue.id))
    return _issue_page(form, issue)


@bp.post("/issues/<int:issue_id>/publish")
@staff_required(StaffRole.POST_CLERK)
def publish_issue(issue_id: int) -> ResponseReturnValue:
    issue = get_owned_or_404(Issue, issue_id)
    _check_button()
    try:
        if publish(db.session, issue, utcnow()):
            flash(_("“%(title)s” is on sale now.", title=localized(issue.title)), "success")
    except CatalogueRefused as refused:
        flash(str(refused.message), "error")
    return redirect(url_for(".edit_issue", issue_id=issue.id))


@bp.post("/issues/<int:issue_id>/unpublish")
@staff_required(StaffRole.POST_CLERK)
def unpublish_issue(issue_id: int) -> ResponseReturnValue:
    issue = get_owned_or_404(Issue, issue_id)
    _check_button()
    if unpublish(issue):
        flash(_("“%(title)s” is off sale: buyers no longer see it.",
                title=localized(issue.title)), "success")
    return redirect(url_for(".edit_issue", issue_id=issue.id))


@bp.route("/issues/<int:issue_id>/products/new", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def new_product(issue_id: int) -> ResponseReturnValue:
    issue = get_owned_or_404(Issue, issue_id)
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = save_product(db.session, issue, _product_values(form))
        except CatalogueRefused as refused:
            _refuse(form, refused)
        else:
            flash(_("Product added. Enter the stock you received."), "success")
            return redirect(url_for(".edit_product", product_id=product.id))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/product.html", form=form, issue=issue, product=None,
                           currency=issue.post.currency), status


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def edit_product(product_id: int) -> ResponseReturnValue:
    product = get_owned_or_404(Product, product_id)
    form = ProductForm(obj=_product_defaults(product))
    if form.validate_on_submit():
        try:
            save_product(db.session, product.issue, _product_values(form), product)
        except CatalogueRefused as refused:
            _refuse(form, refused)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".edit_product", product_id=product.id))
    return _product_page(product, form, StockForm())


@bp.post("/products/<int:product_id>/stock")
@staff_required(StaffRole.POST_CLERK)
def change_stock(product_id: int) -> ResponseReturnValue:
    product = get_owned_or_404(Product, product_id)
    stock = StockForm()
    if stock.validate_on_submit():
        try:
            adjust_stock(db.session, product, stock.delta.data, StockReason(stock.reason.data),
                         stock.note.data or "", current_post_staff().id, utcnow())
        except CatalogueRefused as refused:
            stock.delta.errors.append(str(refused.message))
        else:
            flash(_("Stock is now %(stock)d.", stock=product.stock), "success")
            return redirect(url_for(".edit_product", product_id=product.id))
    return _product_page(product, ProductForm(obj=_product_defaults(product)), stock, 400)


def _issue_form(post: Post, issue: Issue | None = None) -> Any:
    locales = _locales(post)
    themes = db.session.scalars(select(Theme).order_by(Theme.slug)).all()
    choices = [(theme.slug, localized(theme.name)) for theme in themes]
    data: dict[str, Any] = {}
    if issue is not None and request.method == "GET":
        data = {
            "slug": issue.slug, "issue_date": issue.issue_date,
            "wns_numbers": ", ".join(issue.wns_numbers), "themes": [t.slug for t in issue.themes],
            "designer": issue.designer, "printer": issue.printer, "printing_process": issue.process,
            "perforation": issue.perforation, "print_run": issue.print_run,
        }
        for locale in locales:
            data[f"title_{locale}"] = issue.title.get(locale, "")
            data[f"description_{locale}"] = issue.description.get(locale, "")
    return issue_form(locales, choices, data=data or None)


def _locales(post: Post) -> list[str]:
    """The post's languages, then English, which every collector's mall falls back to."""
    return list(dict.fromkeys([*post.locales, "en"]))


def _issue_values(form: Any, post: Post) -> IssueValues:
    locales = _locales(post)
    return IssueValues(
        slug=form.slug.data, issue_date=form.issue_date.data,
        title={loc: form[f"title_{loc}"].data or "" for loc in locales},
        description={loc: form[f"description_{loc}"].data or "" for loc in locales},
        wns_numbers=[n for n in (form.wns_numbers.data or "").split(",") if n.strip()],
        designer=form.designer.data or "", printer=form.printer.data or "",
        process=form.printing_process.data or "", perforation=form.perforation.data or "",
        print_run=form.print_run.data, themes=list(form.themes.data or []),
    )


def _issue_page(form: Any, issue: Issue | None) -> ResponseReturnValue:
    status = 400 if form.is_submitted() else 200
    stock = {}
    if issue is not None:
        stock = dict(db.session.execute(
            select(Product.id, Product.stock).where(Product.issue_id == issue.id)).all())
    return render_template(
        "backoffice/issue.html", form=form, issue=issue, action=ActionForm(),
        picture=PictureForm(),
        locales=_locales(current_post()), stock=stock,
    ), status


def _product_values(form: ProductForm) -> ProductValues:
    return ProductValues(
        sku=form.sku.data, format=ProductFormat(form.format.data),
        condition=Condition(form.condition.data), price=form.price.data,
        weight_g=form.weight_g.data, hs_code=form.hs_code.data or None,
        face_value=form.face_value.data or "", position=form.position.data or 0,
    )


def _product_defaults(product: Product) -> Any:
    """The product as the form shows it: its price written as a person writes it."""

    class Defaults:
        sku, face_value, weight_g = product.sku, product.face_value, product.weight_g
        format, condition = product.format.value, product.condition.value
        hs_code, position = product.hs_code, product.position
        price = str(Money(product.price_minor, product.currency).to_decimal())

    return Defaults


def _product_page(product: Product, form: ProductForm, stock: StockForm,
                  status: int | None = None) -> ResponseReturnValue:
    if status is None:
        status = 400 if form.is_submitted() else 200
    return render_template(
        "backoffice/product.html", form=form, stock_form=stock, issue=product.issue,
        product=product, currency=product.currency,
        history=stock_history(db.session, product),
    ), status


def _check_button() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, description=_("The form expired. Please try again."))


def _refuse(form: Any, refused: CatalogueRefused) -> None:
    """Show the reason on the field it is about, or above the form."""
    target = getattr(form, refused.field, None) if refused.field != "title" else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(str(refused.message))
    else:
        form.form_errors.append(str(refused.message))


@bp.get("/catalogue.csv")
@staff_required(StaffRole.POST_CLERK)
def export_catalogue() -> ResponseReturnValue:
    post = current_post()
    return export_csv(db.session, post), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="catalogue-{post.code}.csv"',
    }


@bp.route("/catalogue/import", methods=["GET", "POST"])
@staff_required(StaffRole.POST_CLERK)
def import_catalogue() -> ResponseReturnValue:
    post = current_post()
    form = ImportForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            form.file.errors.append(_("The file is larger than %(mb)d MB.",
                                      mb=MAX_IMPORT_BYTES // 1_000_000))
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.file.errors.append(_("Save the file as CSV in UTF-8."))
            else:
                try:
                    result = import_csv(db.session, post, text, utcnow(),
                                        staff_id=current_post_staff().id)
                except ImportFailed as failed:
                    problems = failed.problems
                else:
                    flash(_("%(rows)d rows imported: %(new)d new issues, %(products)d new "
                            "products.", rows=result.rows, new=result.issues_created,
                            products=result.products_created), "success")
                    return redirect(url_for(".issues"))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/import.html", form=form, problems=problems,
                           columns=columns(post)), status


@bp.post("/issues/<int:issue_id>/picture")
@staff_required(StaffRole.POST_CLERK)
def issue_picture(issue_id: int) -> ResponseReturnValue:
    """Upload (or, with `remove`, take away) the issue's picture."""
    issue = get_owned_or_404(Issue, issue_id)
    form = PictureForm()
    if request.form.get("remove"):
        _check_button()
        remove_image(issue.image_key, storage())
        issue.image_key = None
        flash(_("The picture is removed: the shop shows the drawn stamp again."), "success")
        return redirect(url_for(".edit_issue", issue_id=issue.id))
    if not form.validate_on_submit():
        abort(400, description=_("Choose a picture to upload."))
    try:
        stored = store_image(form.picture.data.read(MAX_IMPORT_BYTES),
                             storage(), int(current_app.config["MEDIA_MAX_BYTES"]))
    except ImageRefused as refused:
        flash(str(refused.message), "error")
        return redirect(url_for(".edit_issue", issue_id=issue.id))
    remove_image(issue.image_key, storage())
    issue.image_key = stored.key
    flash(_("The picture is saved."), "success")
    return redirect(url_for(".edit_issue", issue_id=issue.id))
