"""The catalogue as CSV: a good file, every kind of bad cell (nothing applied, a line per
problem), a round trip that changes nothing, 10,000 rows, and the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from mall.catalogue.models import Issue, Product, StockMovement, Theme
from mall.catalogue.search import SearchQuery, search_issues
from mall.catalogue.spreadsheet import ImportFailed, columns, export_csv, import_csv
from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become


def _csv(post, rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(post), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"issue_date": "2026-03-01", "format": "single", "condition": "mint",
                         "price": "45.00", "stock": "10", "weight_g": "5", "published": "yes",
                         **row})
    return out.getvalue()


def _row(slug: str = "aves", sku: str = "AVES-1", **changes: str) -> dict[str, str]:
    return {"issue_slug": slug, "title_es": "Aves", "title_en": "Birds", "sku": sku,
            "wns_numbers": "UY003.26", "themes": "birds", **changes}


@pytest.fixture
def uy(make_post):
    db.session.add(Theme(slug="birds", name={"en": "Birds"}))
    post = make_post("uy")
    db.session.commit()
    return post


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_good_file_creates_issues_and_products(uy):
    text = _csv(uy, [_row(), _row(sku="AVES-FDC", format="first_day_cover", price="120,50"),
                     _row(slug="flores", sku="FLO-1", title_es="Flores", title_en="",
                          wns_numbers="", themes="", published="no")])
    result = import_csv(db.session, uy, text, utcnow())
    db.session.commit()
    assert (result.issues_created, result.products_created, result.rows) == (2, 3, 3)
    aves = db.session.scalar(select(Issue).where(Issue.slug == "aves"))
    assert aves.title == {"es": "Aves", "en": "Birds"}
    assert aves.is_published
    assert [p.sku for p in aves.products] == ["AVES-1", "AVES-FDC"]
    fdc = db.session.scalar(select(Product).where(Product.sku == "AVES-FDC"))
    assert fdc.price == Money(12050, "UYU")
    assert fdc.hs_code == "9704"  # a cover is a collectors' piece
    assert fdc.stock == 10
    assert _count(StockMovement) == 3  # every stock set by the file is in the history
    flores = db.session.scalar(select(Issue).where(Issue.slug == "flores"))
    assert not flores.is_published
    assert [i.slug for i in search_issues(db.session, SearchQuery(words="birds")).items] == [
        "aves"]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ({"issue_slug": "Aves Bonitas"}, "issue_slug"),
        ({"issue_date": "01/03/2026"}, "issue_date"),
        ({"title_es": "", "title_en": ""}, "title_es"),
        ({"wns_numbers": "NL003.26"}, "wns_numbers"),
        ({"themes": "dragons"}, "themes"),
        ({"published": "maybe"}, "published"),
        ({"sku": "has space"}, "sku"),
        ({"format": "postcard"}, "format"),
        ({"condition": "pristine"}, "condition"),
        ({"price": "45.001"}, "price"),
        ({"price": "free"}, "price"),
        ({"stock": "-1"}, "stock"),
        ({"stock": "ten"}, "stock"),
        ({"weight_g": "0"}, "weight_g"),
        ({"hs_code": "1234"}, "hs_code"),
        ({"print_run": "0"}, "print_run"),
    ],
)
def test_a_bad_cell_is_reported_and_nothing_is_applied(uy, row, column):
    text = _csv(uy, [_row(sku="GOOD-1"), {**_row(slug="other", sku="BAD-1"), **row}])
    with pytest.raises(ImportFailed) as failed:
        import_csv(db.session, uy, text, utcnow())
    assert [(p.row, p.column) for p in failed.value.problems] == [(3, column)]
    db.session.rollback()
    assert _count(Product) == 0
    assert _count(Issue) == 0


def test_rows_of_one_issue_must_agree_and_skus_be_unique(uy):
    text = _csv(uy, [_row(), _row(sku="AVES-1", title_en="Other birds")])
    with pytest.raises(ImportFailed) as failed:
        import_csv(db.session, uy, text, utcnow())
    assert {(p.row, p.column) for p in failed.value.problems} == {(3, "title_*"), (3, "sku")}


def test_a_file_without_the_required_columns_is_refused(uy):
    with pytest.raises(ImportFailed) as failed:
        import_csv(db.session, uy, "name,price\nx,1\n", utcnow())
    assert failed.value.problems[0].row == 1


def test_export_then_import_changes_nothing(uy, make_post):
    import_csv(db.session, uy, _csv(uy, [
        _row(face_value="-$45", designer="=cmd"), _row(slug="flores", sku="F-1")]), utcnow())
    db.session.commit()
    exported = export_csv(db.session, uy)
    assert "'=cmd" in exported  # defused for spreadsheets
    before = _snapshot()
    result = import_csv(db.session, uy, exported, utcnow())
    db.session.commit()
    assert result.issues_created == result.products_created == 0
    assert _snapshot() == before
    assert export_csv(db.session, uy) == exported


def _snapshot() -> list[tuple]:
    return [
        (p.sku, p.issue.slug, p.price_minor, p.stock, p.face_value, p.issue.designer,
         tuple(sorted(p.issue.title.items())), p.issue.is_published)
        for p in db.session.scalars(select(Product).order_by(Product.sku))
    ]


def test_an_import_never_touches_another_posts_catalogue(uy, make_post):
    nl = make_post("nl")
    dutch = {k: v for k, v in _row(wns_numbers="NL003.26").items() if k != "title_es"}
    import_csv(db.session, nl, _csv(nl, [{**dutch, "title_nl": "Vogels"}]), utcnow())
    import_csv(db.session, uy, _csv(uy, [_row(price="99")]), utcnow())
    db.session.commit()
    prices = dict(db.session.execute(select(Product.post_id, Product.price_minor)).all())
    assert prices == {nl.id: 4500, uy.id: 9900}


def test_ten_thousand_rows(uy):
    rows = [_row(slug=f"issue-{n // 10}", sku=f"SKU-{n}", wns_numbers="") for n in range(10_000)]
    result = import_csv(db.session, uy, _csv(uy, rows), utcnow())
    db.session.commit()
    assert (result.issues_created, result.products_created) == (1000, 10_000)
    assert _count(Product) == 10_000


def test_the_cli_imports_with_a_report_or_refuses(app, uy, tmp_path: Path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(_csv(uy, [_row()]), encoding="utf-8")
    bad.write_text(_csv(uy, [_row(price="x")]), encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["mall", "catalogue", "import", "uy", str(bad)])
    assert refused.exit_code != 0
    assert "row 2, price" in refused.output
    assert _count(Product) == 0
    done = runner.invoke(args=["mall", "catalogue", "import", "UY", str(good)])
    assert done.exit_code == 0, done.output
    assert "1 rows" in done.output
    exported = runner.invoke(args=["mall", "catalogue", "export", "uy"])
    assert "AVES-1" in exported.output


def test_the_back_office_imports_and_exports(client, staff):
    db.session.add(Theme(slug="birds", name={"en": "Birds"}))
    db.session.commit()
    base = storefront("uy")
    become(client, "clerk", staff, base)
    url = base + "/manage/catalogue/import"
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "file": (
        io.BytesIO(_csv(staff["uy"], [_row(stock="lots")]).encode()), "c.csv")})
    assert bad.status_code == 400
    assert "stock" in bad.get_data(as_text=True)
    good = client.post(url, data={"csrf_token": csrf_token(client, url), "file": (
        io.BytesIO(_csv(staff["uy"], [_row()]).encode()), "c.csv")})
    assert good.status_code == 302
    assert "AVES-1" in client.get(base + "/manage/catalogue.csv").get_data(as_text=True)
    binary = client.post(url, data={"csrf_token": csrf_token(client, url), "file": (
        io.BytesIO(b"\xff\xfe\x00bad"), "c.csv")})
    assert binary.status_code == 400


def test_a_column_left_out_keeps_what_the_catalogue_has(uy):
    import_csv(db.session, uy, _csv(uy, [_row(stock="7", designer="Ana")]), utcnow())
    db.session.commit()
    prices_only = ("issue_slug,issue_date,title_es,sku,format,price\n"
                   "aves,2026-03-01,Aves nuevas,AVES-1,single,50.00\n")
    import_csv(db.session, uy, prices_only, utcnow())
    db.session.commit()
    product = db.session.scalar(select(Product))
    issue = product.issue
    assert product.price == Money(5000, "UYU")
    assert product.stock == 7  # not emptied
    assert issue.is_published  # not taken off sale
    assert issue.designer == "Ana"
    assert issue.title == {"es": "Aves nuevas", "en": "Birds"}  # English kept
    assert _count(StockMovement) == 1


@pytest.mark.parametrize("locale", ["en", "fr", "km", "sw"])
def test_the_hint_names_the_words_the_file_must_hold_in_every_language(uy, locale):
    """A file holds "yes" or "no" whatever language its maker reads: a hint that translated
    them ("oui ou non") would send a French manager to write a word the import refuses."""
    text = _csv(uy, [{**_row(), "published": "maybe"}])
    with force_locale(locale), pytest.raises(ImportFailed) as failed:
        import_csv(db.session, uy, text, utcnow())
    assert "yes, no" in str(failed.value.problems[0].reason)
    db.session.rollback()
