"""SQLite's full-text index keeps a Khmer word whole

Its tokenizer now counts combining marks as parts of words (`categories 'L* N* Co M*'`), as
`mall.catalogue.words.search_terms` reads a visitor's words: a Khmer word is one token,
where unicode61 cut it at its vowel signs into fragments, so that a letter inside any word
found it and a word was matched as a phrase of fragments.

Revision ID: 20261205_0020
Revises: 20261205_0019
Create Date: 2026-12-05 20:00:00.000000
"""

from alembic import op

revision = "20261205_0020"
down_revision = "20261205_0019"
branch_labels = None
depends_on = None

WHOLE_WORDS = """
CREATE VIRTUAL TABLE issue_fts USING fts5(
    heading, body,
    content='issue_search', content_rowid='issue_id',
    tokenize="unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
)
"""

# As migration 20261129_0002 made it.
FRAGMENTS = """
CREATE VIRTUAL TABLE issue_fts USING fts5(
    heading, body,
    content='issue_search', content_rowid='issue_id',
    tokenize='unicode61 remove_diacritics 2'
)
"""


def _recreate(definition: str) -> None:
    """The index made again from `issue_search`; its triggers (migration 0002) write to it
    by name, and stay."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE issue_fts")
    op.execute(definition)
    op.execute("INSERT INTO issue_fts (issue_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _recreate(WHOLE_WORDS)


def downgrade() -> None:
    _recreate(FRAGMENTS)
