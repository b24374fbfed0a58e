"""search at scale: a stored tsvector on PostgreSQL, the catalogue's listing index

- PostgreSQL: the weighted tsvector is stored, in a table `issue_fts` beside `issue_search`
  (one row per issue, written by a trigger on `issue_search`, deleted with it by the foreign
  key), so ranking reads a vector instead of parsing each match's text again. The GIN index
  keeps its name, `ix_issue_search_document`, and moves from the expression to the stored
  column; the issue's post is copied next to the vector so a storefront's search narrows to
  its post inside the indexed query. A table rather than a generated column of
  `issue_search`: the models describe one schema for both dialects, and `issue_fts` is the
  hand-written full-text table on SQLite already (see migrations/env.py).
- Both: a partial index on published issues by (post, issue date, id), the order of every
  listing, so a deep catalogue page walks an index instead of sorting a post's issues.

Revision ID: 20261204_0014
Revises: 20261204_0013
Create Date: 2026-12-04 22:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "20261204_0014"
down_revision = "20261204_0013"
branch_labels = None
depends_on = None

# The vector is written as migration 20261129_0002 wrote the index's expression.
POSTGRESQL_UPGRADE = [
    """
    CREATE TABLE issue_fts (
        issue_id integer PRIMARY KEY
            REFERENCES issue_search (issue_id) ON DELETE CASCADE,
        post_id integer NOT NULL,
        document tsvector NOT NULL
    )
    """,
    """
    CREATE FUNCTION issue_fts_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO issue_fts (issue_id, post_id, document)
        SELECT NEW.issue_id, issue.post_id,
               setweight(to_tsvector('simple'::regconfig, NEW.heading), 'A')
               || setweight(to_tsvector('simple'::regconfig, NEW.body), 'B')
        FROM issue WHERE issue.id = NEW.issue_id
        ON CONFLICT (issue_id) DO UPDATE
            SET post_id = EXCLUDED.post_id, document = EXCLUDED.document;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER issue_search_fts_write AFTER INSERT OR UPDATE ON issue_search
    FOR EACH ROW EXECUTE FUNCTION issue_fts_write()
    """,
    """
    INSERT INTO issue_fts (issue_id, post_id, document)
    SELECT issue_search.issue_id, issue.post_id,
           setweight(to_tsvector('simple'::regconfig, issue_search.heading), 'A')
           || setweight(to_tsvector('simple'::regconfig, issue_search.body), 'B')
    FROM issue_search JOIN issue ON issue.id = issue_search.issue_id
    """,
    "DROP INDEX ix_issue_search_document",
    # Without the pending list: issues are written rarely and searched all the time, and
    # entries waiting in the list are read by every search until the next vacuum.
    "CREATE INDEX ix_issue_search_document ON issue_fts USING gin (document)"
    " WITH (fastupdate = off)",
    "CREATE INDEX ix_issue_fts_post_id ON issue_fts (post_id)",
]

POSTGRESQL_DOWNGRADE = [
    "DROP TRIGGER issue_search_fts_write ON issue_search",
    "DROP FUNCTION issue_fts_write()",
    "DROP TABLE issue_fts",
    "CREATE INDEX ix_issue_search_document ON issue_search USING gin"
    " ((setweight(to_tsvector('simple'::regconfig, heading), 'A')"
    " || setweight(to_tsvector('simple'::regconfig, body), 'B')))",
]


def upgrade() -> None:
    op.create_index(
        "ix_issue_listing",
        "issue",
        ["post_id", "issue_date", "id"],
        unique=False,
        sqlite_where=sa.text("published_at IS NOT NULL"),
        postgresql_where=sa.text("published_at IS NOT NULL"),
    )
    if op.get_context().dialect.name == "postgresql":
        for statement in POSTGRESQL_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWNGRADE:
            op.execute(statement)
    op.drop_index("ix_issue_listing", table_name="issue")
