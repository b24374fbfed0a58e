"""PostgreSQL: `issue_fts` holds the vectors of published issues only, with their dates

A search without filters keeps its newest RANK_WINDOW matches as it reads `issue_fts`; it
then joined every one of them to `issue`, only to drop drafts and read the date the page is
sorted by: at 200,000 issues, 1,200 probes of `issue`, as long as the read of the vectors
itself. With drafts left out of `issue_fts` and each vector's issue date beside it (and its
post, there since migration 0022), such a search reads `issue_fts` and the few live posts
only (`search.PostgreSQLBackend.candidates`). A trigger on `issue` keeps both true when an
issue is published, withdrawn or given another date; the vector is still written from
`issue_search` as before, now only for a published issue.

Revision ID: 20261206_0023
Revises: 20261206_0022
Create Date: 2026-12-06 10:00:00.000000
"""

from alembic import op

revision = "20261206_0023"
down_revision = "20261206_0022"
branch_labels = None
depends_on = None



def _vector(row: str) -> str:
    """The stored vector of an `issue_search` row, as migration 20261204_0014 made it."""
    return (f"setweight(to_tsvector('simple'::regconfig, {row}.heading), 'A')"
            f" || setweight(to_tsvector('simple'::regconfig, {row}.body), 'B')")


WRITE_PUBLISHED = f"""
CREATE OR REPLACE FUNCTION issue_fts_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO issue_fts (issue_id, post_id, issue_date, document)
    SELECT issue.id, issue.post_id, issue.issue_date, {_vector("NEW")}
    FROM issue WHERE issue.id = NEW.issue_id AND issue.published_at IS NOT NULL
    ON CONFLICT (issue_id) DO UPDATE
        SET post_id = EXCLUDED.post_id, issue_date = EXCLUDED.issue_date,
            document = EXCLUDED.document;
    RETURN NULL;
END $$
"""

FOLLOW_ISSUE = f"""
CREATE FUNCTION issue_fts_follow_issue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published_at IS NULL THEN
        DELETE FROM issue_fts WHERE issue_id = NEW.id;
    ELSE
        INSERT INTO issue_fts (issue_id, post_id, issue_date, document)
        SELECT NEW.id, NEW.post_id, NEW.issue_date, {_vector("search")}
        FROM issue_search AS search WHERE search.issue_id = NEW.id
        ON CONFLICT (issue_id) DO UPDATE
            SET post_id = EXCLUDED.post_id, issue_date = EXCLUDED.issue_date;
    END IF;
    RETURN NULL;
END $$
"""

FOLLOW_ISSUE_TRIGGER = """
CREATE TRIGGER issue_fts_follow_issue AFTER UPDATE OF published_at, issue_date ON issue
FOR EACH ROW
WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at
      OR OLD.issue_date IS DISTINCT FROM NEW.issue_date)
EXECUTE FUNCTION issue_fts_follow_issue()
"""

# As migration 20261206_0022 wrote it.
WRITE_WITH_POST = """
CREATE OR REPLACE FUNCTION issue_fts_write() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE issue_fts ADD COLUMN issue_date date")
    op.execute("DELETE FROM issue_fts USING issue"
               " WHERE issue.id = issue_fts.issue_id AND issue.published_at IS NULL")
    op.execute("UPDATE issue_fts SET issue_date = issue.issue_date FROM issue"
               " WHERE issue.id = issue_fts.issue_id")
    op.execute("ALTER TABLE issue_fts ALTER COLUMN issue_date SET NOT NULL")
    op.execute(WRITE_PUBLISHED)
    op.execute(FOLLOW_ISSUE)
    op.execute(FOLLOW_ISSUE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER issue_fts_follow_issue ON issue")
    op.execute("DROP FUNCTION issue_fts_follow_issue()")
    op.execute(WRITE_WITH_POST)
    op.execute("ALTER TABLE issue_fts DROP COLUMN issue_date")
    # The drafts' vectors, as every issue's was written before.
    op.execute(f"""
        INSERT INTO issue_fts (issue_id, post_id, document)
        SELECT issue.id, issue.post_id, {_vector("search")}
        FROM issue JOIN issue_search AS search ON search.issue_id = issue.id
        WHERE issue.published_at IS NULL
    """)
