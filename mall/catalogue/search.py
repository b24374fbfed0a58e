"""Search of the catalogue: words, country, theme, year and format, across every live post at
the portal or within one post on its storefront.

Behind one interface there are two full-text backends, picked by the database's dialect:
SQLite FTS5 (the `issue_fts` virtual table) and PostgreSQL full text (the `issue_fts` table
of stored `tsvector`s, with a GIN index). Both are filled from the text kept in
`issue_search`, one row per issue, which `index_issues` writes, by triggers of the
migrations `20261129_0002_search_index` and `20261204_0014_search_at_scale`, not by the
models, because neither exists on the other dialect.

A search never counts or ranks every match: it counts up to SEARCH_COUNT_CAP ("more than
1,000 issues") and ranks a window of RANK_WINDOW matches, so a common word costs the same
in a catalogue of 1,000 issues as in one of 200,000.

Only the text is copied into the index. Filters (country, theme, year, format, live posts)
read the catalogue tables themselves, so a new product or a post that is suspended shows in
search at once, without re-indexing.

The text is folded in Python before it reaches either backend (lower case, Latin accents
removed, punctuation turned into spaces), and a visitor's words go through the same folding,
so "humedales" finds "Humedales", "senor" finds "señor" and "UY003.18" finds its issue on
both databases alike. Visitors' words only ever reach the database as quoted terms made of
letters and digits: no query syntax of either backend can be injected."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from flask_wtf.i18n import translations as wtforms_translations
from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    FromClause,
    Select,
    Text,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import (
    Mapped,
    Session,
    aliased,
    contains_eager,
    mapped_column,
    selectinload,
)
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, StopValidation

from mall.catalogue.labels import LABELS
from mall.catalogue.models import Issue, Product, ProductFormat, Theme
from mall.extensions import db
from mall.forms import MallQueryForm
from mall.i18n import localized
from mall.pagination import MAX_PAGE, CappedPage, capped_count
from mall.posts.models import Post, PostStatus

#: Issues indexed per round trip by `rebuild_index`, so memory stays flat on big catalogues.
REBUILD_BATCH = 500


class IssueSearch(db.Model):
    """The searchable text of one issue, in two parts so that a word in a title ranks above
    the same word in a description. Written only by `index_issues`; deleted with its issue
    by the foreign key's cascade."""

    __tablename__ = "issue_search"

    issue_id: Mapped[int] = mapped_column(
        ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True
    )
    #: Titles in every language and the WNS numbers: the words that name the issue.
    heading: Mapped[str] = mapped_column(Text)
    #: Descriptions, designer, printer, the post's country and names, themes.
    body: Mapped[str] = mapped_column(Text)


# -- Text ------------------------------------------------------------------------------------

_TERM = re.compile(r"[^\W_]+")
#: Below this code point are the Latin, Greek and Cyrillic letters whose accents searchers
#: leave out; marks on other scripts (Khmer vowel signs…) are part of the letter and stay.
_ACCENTED_SCRIPTS_END = "\u0530"


def fold(text: str) -> str:
    """Lower case, compatibility forms (ligatures, full-width digits) made plain, and the
    accents of Latin, Greek and Cyrillic letters removed: how a searcher types a word."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char) and kept and kept[-1] < _ACCENTED_SCRIPTS_END:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def search_terms(text: str) -> list[str]:
    """The folded words of a text: runs of letters and digits, so "UY003.18" is two terms
    and quotes, stars, `&` or `NEAR` typed by a visitor are no more than spaces."""
    return _TERM.findall(fold(text))


def _plain(parts: Iterable[str]) -> str:
    return " ".join(term for part in parts for term in search_terms(part))


def issue_document(issue: Issue) -> tuple[str, str]:
    """The heading and body texts under which `issue` is found, in every language it is
    written in, so a Dutch collector finds a Uruguayan issue by its English title."""
    post = issue.post
    heading = [*issue.title.values(), *issue.wns_numbers]
    body = [
        *issue.description.values(),
        issue.designer,
        issue.printer,
        *post.country_name.values(),
        *post.name.values(),
        post.code,
    ]
    for theme in issue.themes:
        body += [theme.slug, *theme.name.values()]
    return _plain(heading), _plain(body)


# -- Index -----------------------------------------------------------------------------------


def index_issues(session: Session, issues: Iterable[Issue]) -> None:
    """Write the search text of `issues` (new or changed), replacing what was indexed.

    Call it wherever issues are created or edited, in the same transaction. It flushes (new
    issues need their ids) but never commits: the caller's request or command does."""
    issues = list(issues)
    if not issues:
        return
    session.flush()
    rows = []
    for issue in issues:
        heading, body = issue_document(issue)
        rows.append({"issue_id": issue.id, "heading": heading, "body": body})
    ids = [row["issue_id"] for row in rows]
    session.execute(delete(IssueSearch).where(IssueSearch.issue_id.in_(ids)))
    session.execute(insert(IssueSearch), rows)


def rebuild_index(session: Session) -> None:
    """Index every issue again, after a bulk load (the demo) or a change of theme or post
    names, which reach many issues at once. Flushes, never commits."""
    last_id = 0
    while True:
        batch = list(
            session.scalars(
                select(Issue)
                .where(Issue.id > last_id)
                .order_by(Issue.id)
                .limit(REBUILD_BATCH)
                .options(selectinload(Issue.themes))
            )
        )
        if not batch:
            return
        index_issues(session, batch)
        last_id = batch[-1].id


# -- Backends --------------------------------------------------------------------------------

#: Matches ranked for one search at most: beyond it a common word would cost a rank per
#: match. A search matching more is ranked among its RANK_WINDOW newest matches (on SQLite
#: without filters, its RANK_WINDOW best by BM25), and pages past it are empty; page 50 is
#: within it.
RANK_WINDOW = 2_000

#: A search counts its results up to this many, and says "more than" past it.
SEARCH_COUNT_CAP = 1_000


class SearchBackend(Protocol):
    """One database's full text: the issues matching every term, with a score that is
    higher for a better match."""

    def matches(
        self, terms: Sequence[str], query: SearchQuery | None = None, scored: bool = True
    ) -> FromClause:
        """The (issue_id, score) of issues matching `terms`, driving the search: joined to
        the catalogue for the filters, never probed once per issue. The last term matches as
        a prefix, so results come while the visitor is still typing a word. Unscored (for
        counting), the score is 0 and costs nothing."""
        ...


class SQLiteBackend:
    """FTS5 over `issue_search`, with BM25 weighting a heading hit four times a body hit.

    The MATCH is a materialized CTE that SQLite scans once, before the joins: left to the
    planner, it puts the MATCH in the inner loop of a filtered or storefront search, one
    probe per issue of the post. Without filters, FTS5 itself keeps the RANK_WINDOW best by
    BM25, so only those are joined; with filters, every match is joined, once. A country
    (a storefront's own, too) narrows the MATCH itself: every issue's body holds its post's
    code (`issue_document`), so requiring that word keeps all of the post's matches, and the
    exact filter on the catalogue removes the few other issues that use the word."""

    _fts = table("issue_fts", column("rowid"), column("heading"), column("body"))

    def matches(
        self, terms: Sequence[str], query: SearchQuery | None = None, scored: bool = True
    ) -> FromClause:
        phrases = [f'"{term}"' for term in terms]
        phrases[-1] += "*"
        expression = " ".join(phrases)
        code = search_terms(query.country or "") if query is not None else []
        if code:
            expression = f'({expression}) AND body : "{code[0]}"'
        fts = literal_column("issue_fts")
        bm25 = func.bm25(fts, 4.0, 1.0)
        statement = (
            select(
                self._fts.c.rowid.label("issue_id"),
                (-bm25 if scored else literal_column("0")).label("score"),
            )
            .select_from(self._fts)
            .where(fts.op("MATCH")(expression))
        )
        if query is None or not query.narrowed:
            # Counting needs no order: any RANK_WINDOW matches hold more than the cap.
            statement = statement.order_by(bm25) if scored else statement
            statement = statement.limit(RANK_WINDOW)
        return statement.cte("matches").prefix_with("MATERIALIZED")


class PostgreSQLBackend:
    """The weighted vector of migration 20261204_0014, stored in `issue_fts` (heading A,
    body B, 'simple' because documents mix languages and are folded already), ranked with
    `ts_rank` without parsing the text again. A storefront's post narrows the indexed query
    itself (`issue_fts.post_id`), so the window holds that post's matches."""

    _simple = literal_column("'simple'::regconfig")
    _fts = table("issue_fts", column("issue_id"), column("post_id"), column("document"))

    def matches(
        self, terms: Sequence[str], query: SearchQuery | None = None, scored: bool = True
    ) -> FromClause:
        words = [f"'{term}'" for term in terms]
        words[-1] += ":*"
        tsquery = func.to_tsquery(self._simple, " & ".join(words))
        document = self._fts.c.document
        score = func.ts_rank(document, tsquery) if scored else literal_column("0")
        statement = select(self._fts.c.issue_id, score.label("score")).where(
            document.op("@@")(tsquery)
        )
        if query is not None and query.post_id is not None:
            statement = statement.where(self._fts.c.post_id == query.post_id)
        return statement.subquery("matches")


BACKENDS: dict[str, SearchBackend] = {
    "sqlite": SQLiteBackend(),
    "postgresql": PostgreSQLBackend(),
}


def backend_for(session: Session) -> SearchBackend:
    return BACKENDS[session.get_bind().dialect.name]


# -- Searching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    """What a visitor asks for, validated; empty filters are None."""

    words: str = ""
    #: A post's code ("uy").
    country: str | None = None
    #: A theme's slug.
    theme: str | None = None
    year: int | None = None
    format: ProductFormat | None = None
    #: Set on a storefront: only that post's issues.
    post_id: int | None = None
    page: int = 1
    per_page: int = 24

    @property
    def narrowed(self) -> bool:
        """Whether anything but words limits the results."""
        return any(
            value is not None
            for value in (self.country, self.theme, self.year, self.format, self.post_id)
        )


class SearchResults(CappedPage):
    """One page of matching issues; `total` is counted up to SEARCH_COUNT_CAP, `more` set
    past it."""


def search_issues(session: Session, query: SearchQuery) -> SearchResults:
    """Issues of live posts matching `query`: best match first when words are given, else
    newest first. Four queries whatever the number of results: the count (up to
    SEARCH_COUNT_CAP), the page (with each issue's post, and one issue more, which says
    whether a next page exists) and the products and themes a result card shows.

    With words, only a bounded window of matches is ranked (RANK_WINDOW): the work per
    search stays flat however common the word, where ranking every match of a common word
    grows with the catalogue."""
    terms = search_terms(query.words)
    conditions = _conditions(query)
    if terms:
        backend = backend_for(session)
        # The window: matching issues of live posts, filtered, with their score. The page is
        # read from it, not by joining `issue` again; the count, from an unscored one.
        candidates = _window(backend.matches(terms, query), conditions).cte("candidates")
        unscored = _window(
            backend.matches(terms, query, scored=False), conditions, newest=False
        )
        counted = select(unscored.subquery("counted").c.id)
        issue: Any = aliased(Issue, candidates)
        matching = select(issue).join(issue.post)
        order: list[Any] = [candidates.c.score.desc()]
    else:
        issue = Issue
        matching = select(Issue).join(Issue.post).where(*conditions)
        counted = matching
        order = []
    order += [issue.issue_date.desc(), issue.id.desc()]

    total = capped_count(session, counted, SEARCH_COUNT_CAP + 1)
    rows = list(
        session.scalars(
            matching.order_by(*order)
            .limit(query.per_page + 1)
            .offset((query.page - 1) * query.per_page)
            .options(
                contains_eager(issue.post),
                selectinload(issue.products),
                selectinload(issue.themes),
            )
        )
    )
    return SearchResults(
        items=rows[: query.per_page],
        total=min(total, SEARCH_COUNT_CAP),
        page=query.page,
        per_page=query.per_page,
        more=total > SEARCH_COUNT_CAP,
        following=len(rows) > query.per_page,
    )


def _window(
    found: FromClause, conditions: list[ColumnElement[bool]], newest: bool = True
) -> Select[Any]:
    """At most RANK_WINDOW issues of `found` that pass the filters, with their score: the
    newest ones when more match, so a new release is always among those ranked (a count,
    capped below RANK_WINDOW, takes any)."""
    window = (
        select(Issue, found.c.score)
        .select_from(found)
        .join(Issue, Issue.id == found.c.issue_id)
        .join(Issue.post)
        .where(*conditions)
    )
    if newest:
        window = window.order_by(found.c.issue_id.desc())
    return window.limit(RANK_WINDOW)


def _conditions(query: SearchQuery) -> list[ColumnElement[bool]]:
    """The filters, read from the catalogue itself rather than from the index."""
    conditions = [Post.status == PostStatus.LIVE, Issue.published_at.is_not(None)]
    if query.post_id is not None:
        conditions.append(Issue.post_id == query.post_id)
    if query.country:
        conditions.append(Post.code == query.country)
    if query.theme:
        conditions.append(Issue.themes.any(Theme.slug == query.theme))
    if query.year is not None:
        conditions.append(
            Issue.issue_date.between(date(query.year, 1, 1), date(query.year, 12, 31))
        )
    if query.format is not None:
        conditions.append(Issue.products.any(Product.format == query.format))
    return conditions


# -- The form --------------------------------------------------------------------------------


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _by_label(choices: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """In the order a reader looks for them: "Österreich" among the O's, not after "Zambia"."""
    return sorted(choices, key=lambda choice: fold(choice[1]))


class _OptionalIntegerField(IntegerField):
    """A whole number a visitor may leave blank (a GET form sends `year=`), and whose value,
    if it is not a number, is reported once, not a second time as out of range."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not str(valuelist[0]).strip():
            valuelist = []
        super().process_formdata(valuelist)

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:
            raise StopValidation


class SearchForm(MallQueryForm):
    """The search form, read from the query string: a GET form changes nothing, so it has
    no CSRF token, and its URL can be bookmarked and shared."""

    class Meta:
        def get_translations(self, form: Form) -> Any:
            """WTForms' own messages ("Not a valid choice.") in the page's language."""
            return wtforms_translations

    q = StringField(_l("Words"), validators=[Length(max=200)], filters=[_strip])
    country = SelectField(_l("Country"), default="")
    theme = SelectField(_l("Theme"), default="")
    year = _OptionalIntegerField(
        _l("Year"),
        validators=[
            Optional(),
            NumberRange(1840, 2100, _l("Choose a year between %(min)d and %(max)d.")),
        ],
    )
    format = SelectField(_l("Format"), default="")
    page = _OptionalIntegerField(
        _l("Page"),
        validators=[
            Optional(),
            NumberRange(1, MAX_PAGE, _l("Choose a page between %(min)d and %(max)d.")),
        ],
    )

    def __init__(self, formdata: Any = None, **kwargs: Any) -> None:
        super().__init__(formdata, **kwargs)
        posts = db.session.scalars(Post.live_query())
        themes = db.session.scalars(select(Theme))
        self.country.choices = [
            ("", _l("Any country")),
            *_by_label((post.code, localized(post.country_name)) for post in posts),
        ]
        self.theme.choices = [
            ("", _l("Any theme")),
            *_by_label((theme.slug, localized(theme.name)) for theme in themes),
        ]
        self.format.choices = [("", _l("Any format"))] + [
            (format_.value, LABELS[format_]) for format_ in ProductFormat
        ]

    def to_query(self, post: Post | None = None, per_page: int = 24) -> SearchQuery:
        """The validated filters; on a storefront (`post` given) the country is always the
        storefront's own, whatever the query string says."""
        return SearchQuery(
            words=self.q.data or "",
            country=post.code if post is not None else self.country.data or None,
            theme=self.theme.data or None,
            year=self.year.data,
            format=ProductFormat(self.format.data) if self.format.data else None,
            post_id=post.id if post is not None else None,
            page=self.page.data or 1,
            per_page=per_page,
        )
