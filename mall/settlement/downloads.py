"""A statement as a file to download, the same for the operator and for the post."""

from __future__ import annotations

from flask import Response

from mall.extensions import db
from mall.settlement.models import Statement
from mall.settlement.periods import period_name
from mall.settlement.statements import statement_csv, statement_lines, statement_pdf


def statement_download(statement: Statement, kind: str) -> Response:
    """The statement as a file (the back office serves a post's own the same way)."""
    lines = statement_lines(db.session, statement)
    name = f"statement-{statement.post.code}-{period_name(statement.period)}.{kind}"
    if kind == "csv":
        body: bytes | str = statement_csv(statement, lines)
        mimetype = "text/csv"
    else:
        body, mimetype = statement_pdf(statement, lines), "application/pdf"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
