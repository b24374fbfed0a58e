"""`flask mall catalogue import|export|reindex`: a post's catalogue as CSV from the command
line, and the search index written again."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from mall.catalogue.search import rebuild_index
from mall.catalogue.spreadsheet import ImportFailed, export_csv, import_csv
from mall.columns import utcnow
from mall.extensions import db
from mall.posts.models import Post

catalogue_cli = AppGroup(
    "catalogue", help="A post's catalogue as CSV (docs/catalogue-csv.md); the search index.")


def _post(code: str) -> Post:
    post = db.session.scalar(select(Post).where(Post.code == code.lower()))
    if post is None:
        raise click.ClickException(f"no post with the code {code!r}")
    return post


@catalogue_cli.command("import")
@click.argument("code")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def import_command(code: str, file: click.utils.LazyFile) -> None:
    """Create or update CODE's issues and products from FILE; all or nothing."""
    post = _post(code)
    text = file.read()
    rows = max(0, text.count("\n") - 1)
    with click.progressbar(length=rows, label=f"Importing into {post.code.upper()}") as bar:
        try:
            result = import_csv(db.session, post, text, utcnow(), progress=bar.update)
        except ImportFailed as failed:
            db.session.rollback()
            for problem in failed.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException(
                f"{len(failed.problems)} problems: nothing was imported") from failed
    db.session.commit()
    click.echo(f"{result.rows} rows: {result.issues_created} issues created, "
               f"{result.issues_updated} updated; {result.products_created} products created, "
               f"{result.products_updated} updated.")


@catalogue_cli.command("export")
@click.argument("code")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export_command(code: str, file: click.utils.LazyFile) -> None:
    """Write CODE's whole catalogue, drafts included, to FILE (default: standard output)."""
    file.write(export_csv(db.session, _post(code)))


@catalogue_cli.command("reindex")
def reindex_command() -> None:
    """Write every issue's search text again (after an upgrade changes how text is indexed,
    such as migration 20261205_0015's stems and spelling)."""
    rebuild_index(db.session)
    db.session.commit()
    click.echo("Search index rebuilt.")
