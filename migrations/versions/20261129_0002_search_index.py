"""search index

Full text over `issue_search` (created by the initial schema, written by
`mall.catalogue.search.index_issues`), one way per dialect:

- SQLite: an FTS5 table `issue_fts` whose content is `issue_search` itself (external content,
  so the text is stored once), kept in step by triggers. Triggers rather than Python because
  rows of `issue_search` also disappear without Python seeing them: an issue deleted by the
  foreign key's ON DELETE CASCADE. An external-content index that misses a delete keeps the
  old words, and they would match the next issue to get that id.
  Batch migrations rebuild a table under a new name and so drop its triggers: a migration
  that alters `issue_search` in batch mode must create the three triggers again.
- PostgreSQL: a GIN index on the weighted tsvector that the search query computes, written
  exactly as `PostgreSQLBackend` writes it so the planner can use it. No triggers needed.

Revision ID: 20261129_0002
Revises: 20261129_0001
Create Date: 2026-11-29 19:39:04.612114
"""

from alembic import op
import sqlalchemy as sa

revision = "20261129_0002"
down_revision = "20261129_0001"
branch_labels = None
depends_on = None

SQLITE_UPGRADE = [
    """
    CREATE VIRTUAL TABLE issue_fts USING fts5(
        heading, body,
        content='issue_search', content_rowid='issue_id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER issue_search_fts_insert AFTER INSERT ON issue_search BEGIN
        INSERT INTO issue_fts (rowid, heading, body)
        VALUES (new.issue_id, new.heading, new.body);
    END
    """,
    """
    CREATE TRIGGER issue_search_fts_delete AFTER DELETE ON issue_search BEGIN
        INSERT INTO issue_fts (issue_fts, rowid, heading, body)
        VALUES ('delete', old.issue_id, old.heading, old.body);
    END
    """,
    """
    CREATE TRIGGER issue_search_fts_update AFTER UPDATE ON issue_search BEGIN
        INSERT INTO issue_fts (issue_fts, rowid, heading, body)
        VALUES ('delete', old.issue_id, old.heading, old.body);
        INSERT INTO issue_fts (rowid, heading, body)
        VALUES (new.issue_id, new.heading, new.body);
    END
    """,
    # Index whatever issue_search already holds.
    "INSERT INTO issue_fts (issue_fts) VALUES ('rebuild')",
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER issue_search_fts_update",
    "DROP TRIGGER issue_search_fts_delete",
    "DROP TRIGGER issue_search_fts_insert",
    "DROP TABLE issue_fts",
]

POSTGRESQL_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, heading), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, body), 'B'))"
)


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    elif dialect == "postgresql":
        op.create_index(
            "ix_issue_search_document",
            "issue_search",
            [sa.text(POSTGRESQL_VECTOR)],
            postgresql_using="gin",
        )
    else:
        raise NotImplementedError(f"no full-text search for {dialect}")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    elif dialect == "postgresql":
        op.drop_index("ix_issue_search_document", table_name="issue_search")
