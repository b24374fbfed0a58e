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
search at once, without re-indexing. An issue's post code and year are in its text too, so
that the index narrows a search by country or year before those exact filters decide (and
the two as one word, "uy2015", for a search by both).

The text is folded in Python before it reaches either backend (lower case, Latin accents
removed, punctuation turned into spaces), and a visitor's words go through the same folding,
so "humedales" finds "Humedales", "senor" finds "señor" and "UY003.18" finds its issue on
both databases alike. Visitors' words only ever reach the database as quoted terms made of
letters and digits: no query syntax of either backend can be injected."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Date,
    ForeignKey,
    FromClause,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    Session,
    mapped_column,
    selectinload,
)
from wtforms import BooleanField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, StopValidation, ValidationError

from mall.catalogue.cards import card_statement, read_card_page
from mall.catalogue.labels import LABELS
from mall.catalogue.models import Condition, Issue, Product, ProductFormat, Theme
from mall.catalogue.words import (
    SPELLING_MAX_LENGTH,
    closest,
    deletions,
    document,
    fold,
    search_terms,
    spelled,
    variants,
)
from mall.currency import display_currency, rate_table
from mall.database import PLAN_PER_VALUES, insert_new
from mall.extensions import db
from mall.forms import MallQueryForm, Menu
from mall.i18n import country_name, localized, page_locale
from mall.i18n import lazy_translate as _l
from mall.memo import memoized
from mall.money import Money, precision
from mall.pagination import MAX_PAGE, CappedPage
from mall.posts.models import Post, PostStatus
from mall.rates.conversion import BASIS_POINTS, RateTable, configured_spread_bps

#: The languages an issue's country is found in besides its post's own names ("Ouganda").
COUNTRY_LANGUAGES = ("en", "es", "fr", "nl", "pt", "km", "sw")

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


def issue_document(issue: Issue) -> tuple[str, str]:
    """The heading and body texts under which `issue` is found, in every language it is
    written in (with each language's stems), so a Dutch collector finds a Uruguayan issue by
    its English title and "butterfly" finds "Butterflies"."""
    post = issue.post
    heading = [*issue.title.items(), *((None, number) for number in issue.wns_numbers)]
    body = [
        *issue.description.items(),
        (None, issue.designer),
        (None, issue.printer),
        *post.country_name.items(),
        *((language, country_name(post.code, language)) for language in COUNTRY_LANGUAGES),
        *post.name.items(),
        (None, post.code),
        # "olympic 2016" finds the games' issues, and a year's filter narrows the index.
        (None, str(issue.issue_date.year)),
        # The post's year as one word ("uy2015"): what a search by country and year narrows
        # the index by (`facet_words`).
        (None, f"{post.code}{issue.issue_date.year}"),
    ]
    for theme in issue.themes:
        body += [(None, theme.slug), *theme.name.items()]
    return document(heading), document(body)


# -- Index -----------------------------------------------------------------------------------


class SearchSpelling(db.Model):
    """Every word indexed, under itself and each of its one-letter deletions (`words.py`):
    how a misspelt word finds the word meant. Rows are only added: a word that no longer
    appears in any issue costs a row and, at worst, a suggestion that finds nothing (which is
    then not shown)."""

    __tablename__ = "search_spelling"

    variant: Mapped[str] = mapped_column(String(SPELLING_MAX_LENGTH), primary_key=True)
    word: Mapped[str] = mapped_column(String(SPELLING_MAX_LENGTH), primary_key=True)


def index_issues(session: Session, issues: Iterable[Issue]) -> None:
    """Write the search text of `issues` (new or changed), replacing what was indexed, and
    learn their words' spelling.

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
    learn_spelling(session, rows)


def learn_spelling(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Keep the words of these `issue_search` rows that are not known yet, with their
    deletions. Stems are left out: nobody types "butterfli"."""
    words: set[str] = set()
    for row in rows:
        words.update(word for word in f"{row['heading']} {row['body']}".split() if spelled(word))
    ordered = sorted(words)
    known: set[str] = set()
    for start in range(0, len(ordered), SPELLING_BATCH):
        chunk = ordered[start:start + SPELLING_BATCH]
        known.update(session.scalars(
            select(SearchSpelling.word)
            .where(SearchSpelling.variant.in_(chunk), SearchSpelling.word == SearchSpelling.variant)
        ))
    new = [{"variant": variant, "word": word}
           for word in ordered if word not in known for variant in sorted(deletions(word))]
    if new:
        # The rows as parameters of one statement, compiled once: `.values(rows)` compiled
        # a new statement for every batch (half of a 200,000-issue catalogue's build). Two
        # imports may learn one word at once: the second skips it.
        session.execute(insert_new(session, SearchSpelling), new)


def rebuild_index(session: Session) -> None:
    """Index every issue again, after a bulk load (the demo) or a change of theme or post
    names, which reach many issues at once. Flushes, never commits.

    On SQLite it ends by merging FTS5's index (`merge_index`): writing every issue again
    leaves the old entries marked deleted beside the new ones, and every search then read
    both (twice the time for a word in the headings, on 200,000 issues) until FTS5's own
    merges caught up. PostgreSQL's GIN index keeps no such layers (no pending list)."""
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
            break
        index_issues(session, batch)
        last_id = batch[-1].id
    merge_index(session)


def merge_index(session: Session) -> None:
    """FTS5's index merged into one segment, after many issues were written (`rebuild_index`,
    a bulk load); nothing on PostgreSQL. About a second for 200,000 issues."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO issue_fts (issue_fts) VALUES ('optimize')"))


def corrections(session: Session, terms: Sequence[str]) -> list[str]:
    """`terms` with each word that no issue holds replaced by the indexed word nearest to
    it, where one is near enough (`words.closest`). One query, whatever the words, and
    none when every word is one the index holds (a search that finds nothing with words
    spelled right, as a country and a year may)."""
    held = whole_words(session, terms)
    unknown = [term for term in terms if spelled(term) and term not in held]
    if not unknown:
        return list(terms)
    lookups = sorted(set().union(*(deletions(term) for term in unknown)))
    found: dict[str, set[str]] = {}
    for variant, word in session.execute(
        select(SearchSpelling.variant, SearchSpelling.word)
        .where(SearchSpelling.variant.in_(lookups))
        .limit(SPELLING_CANDIDATES)
    ):
        found.setdefault(variant, set()).add(word)
    corrected = []
    for term in terms:
        candidates = set().union(*(found.get(v, set()) for v in deletions(term)))
        if not spelled(term) or term in candidates:
            corrected.append(term)
        else:
            corrected.append(closest(term, candidates) or term)
    return corrected


# -- Backends --------------------------------------------------------------------------------

#: Matches ranked for one search at most: beyond it a common word would cost a rank per
#: match. A search matching more is ranked among its RANK_WINDOW newest matches, and its
#: pages end there: page 50 of 24 issues is the last (the window is most of the cost of a
#: common word's search: 2,000 cost twice as much on PostgreSQL).
RANK_WINDOW = 1_200

#: A search counts its results up to this many, and says "more than" past it.
SEARCH_COUNT_CAP = 1_000

#: Words looked up per statement (far below either database's parameter limit); the words
#: learnt are sent as many rows of one statement, which the driver batches itself.
SPELLING_BATCH = 500
#: Spelling rows read for one correction at most: a few words' deletions match a few dozen.
SPELLING_CANDIDATES = 500


class SearchBackend(Protocol):
    """One database's full text: the issues matching every term, with their score
    (`words_found`). Its statement is built once per shape of search (`_Shape`) with the
    words left as parameters, which `values` gives for each search."""

    def matches(self, words: int, windowed: bool, by_post: bool) -> FromClause:
        """The (issue_id, score) of issues matching every one of `words` terms (a term
        matches as itself or as its stem in any language), driving the search: joined to
        the catalogue for the filters, never probed once per issue. `windowed`: the search
        has no filter but a country (`SearchQuery.filtered`), whose newest RANK_WINDOW
        matches are the window; `by_post`: that country is all it asks
        (`SearchQuery.by_post`)."""
        ...

    def candidates(self, words: int, windowed: bool, by_post: bool,
                   conditions: list[ColumnElement[bool]]) -> Select[Any]:
        """The window: the (id, issue_date, score) of at most RANK_WINDOW of the `matches`
        that pass `conditions` (the filters, `_conditions`), the newest when more do."""
        ...

    def values(
        self, terms: Sequence[str], query: SearchQuery | None = None, typing: bool = True
    ) -> dict[str, Any]:
        """The parameters of `matches` for these terms, narrowed by `query`'s facets
        (`facet_words`). While `typing`, the last term also matches as a prefix
        (`still_typing`)."""
        ...


def _alternatives(terms: Sequence[str], typing: bool) -> list[tuple[str, list[str]]]:
    """For each term: what is matched as a prefix (the last term only, while it is being
    typed, else '') and the exact forms (the term and its stems; a prefix covers the term
    itself)."""
    last = len(terms) - 1 if typing else -1
    return [
        (term, variants(term)[1:]) if i == last else ("", variants(term))
        for i, term in enumerate(terms)
    ]


def still_typing(session: Session, terms: Sequence[str]) -> bool:
    """Whether the last word may be one the visitor has not finished ("hume"): it is then
    matched as a prefix too, so results come while typing. A word the index holds whole
    ("festival") is not: a prefix makes either database gather every match of every word
    it begins before keeping the newest (FTS5 and GIN alike), the most of a common word's
    search (2.6 against 0.4 ms for the match alone on 200,000 issues); the word's stems
    still find its other forms ("festivals")."""
    last = terms[-1]
    return not spelled(last) or last not in whole_words(session, [last])


def whole_words(session: Session, terms: Sequence[str]) -> set[str]:
    """Which of `terms` the index holds as whole words. The answers are kept by the worker
    while the catalogue holds (the same words are searched again and again): one query for
    the words it has not seen, none once it has."""
    known: dict[str, bool] = memoized("whole_words", None, ("catalogue",), dict)
    asked = {term for term in terms if spelled(term) and term not in known}
    if asked:
        if len(known) + len(asked) > MAX_KNOWN_WORDS:
            known.clear()
        held = set(session.scalars(
            select(SearchSpelling.word).where(SearchSpelling.variant.in_(sorted(asked)),
                                              SearchSpelling.word == SearchSpelling.variant)))
        known.update((term, term in held) for term in asked)
    return {term for term in terms if known.get(term)}


#: Words whose wholeness a worker keeps at most (past it, it starts over).
MAX_KNOWN_WORDS = 20_000


def facet_words(query: SearchQuery | None) -> list[str]:
    """Words every match of a filtered search holds in its body: the post's code (a
    storefront's own, too) or the year, or for both the post's year as one word ("uy2015"),
    each written into every issue's body (`issue_document`). Both backends narrow the
    full-text query itself by them, so the index intersects their lists with the words'
    instead of handing every match of a common word to the join; the exact filters on the
    catalogue still decide, and drop the rare issue that only uses the word in its text.

    The one word for a country and a year is read in half the time of the two: a post's
    year holds a few hundred issues where the post holds thousands and the year as many
    (a common word in one post's year, on 200,000 issues on SQLite: 0.45 against 0.93 ms,
    and as much again for its score)."""
    if query is None:
        return []
    code = search_terms(query.country or "")[:1]
    year = [str(query.year)] if query.year is not None else []
    if code and year:
        return [code[0] + year[0]]
    return code + year


class SQLiteBackend:
    """FTS5 over `issue_search`.

    The MATCH is a materialized CTE that SQLite scans once, before the joins: left to the
    planner, it puts the MATCH in the inner loop of a filtered or storefront search, one
    probe per issue of the post. A country (a storefront's own, too) and a year narrow the
    MATCH itself (`facet_words`). Unless other filters narrow the results, FTS5 itself
    keeps the RANK_WINDOW newest matches, so only those are scored and joined (a few of them
    may then be another country's); with filters, every match is joined, once.

    The score (`words_found`) is read from FTS5's own lists: for each word, the issues whose
    heading holds it (with the facets asked), from the oldest match on."""

    _fts = table("issue_fts", column("rowid"), column("heading"), column("body"))

    def matches(self, words: int, windowed: bool, by_post: bool) -> FromClause:
        rowid = self._fts.c.rowid
        found = select(rowid.label("issue_id")).where(self._match("match_words"))
        if windowed:
            # The newest RANK_WINDOW matches, read in the index's own order.
            found = found.order_by(rowid.desc()).limit(RANK_WINDOW)
        found_cte = found.cte("matches").prefix_with("MATERIALIZED")
        oldest = select(func.min(found_cte.c.issue_id)).scalar_subquery()
        in_heading = [
            found_cte.c.issue_id.in_(
                select(rowid).where(self._match(f"match_heading_{i}"), rowid >= oldest))
            for i in range(words)
        ]
        return select(found_cte.c.issue_id, words_found(in_heading).label("score")).subquery(
            "scored")

    def candidates(self, words: int, windowed: bool, by_post: bool,
                   conditions: list[ColumnElement[bool]]) -> Select[Any]:
        return _window(self.matches(words, windowed, by_post), conditions)

    def values(
        self, terms: Sequence[str], query: SearchQuery | None = None, typing: bool = True
    ) -> dict[str, Any]:
        groups = []
        for prefix, forms in _alternatives(terms, typing):
            phrases = ([f'"{prefix}"*'] if prefix else []) + [f'"{form}"' for form in forms]
            groups.append(f"({' OR '.join(phrases)})")
        # The facets narrow each word's heading list as they narrow the matches.
        facets = "".join(f' AND body : "{word}"' for word in facet_words(query))
        return {
            "match_words": f"({' AND '.join(groups)}){facets}",
            **{f"match_heading_{i}": f"heading : {group}{facets}"
               for i, group in enumerate(groups)},
        }

    def _match(self, name: str) -> ColumnElement[bool]:
        return literal_column("issue_fts").op("MATCH")(bindparam(name, type_=String))


def words_found(in_heading: Sequence[ColumnElement[bool]]) -> ColumnElement[int]:
    """A match's score, from one condition per word searched: how many of the words are in
    its heading (titles, WNS numbers). Best match is the highest score, then the newest,
    on both databases alike: a collector looks for an issue by what it is called, and among
    those that name it the newest is the one being released. (BM25 on FTS5 read every
    match's statistics, a third of a common word's search at 200,000 issues, and ranked
    otherwise than PostgreSQL's `ts_rank`.)"""
    counts = [case((condition, 1), else_=0) for condition in in_heading]
    return sum(counts[1:], start=counts[0])


class PostgreSQLBackend:
    """The vector of migration 20261204_0014, stored in `issue_fts` (heading weighted A,
    body B, 'simple' because documents mix languages and are folded and stemmed already),
    scored (`words_found`) by matching each word against the heading's lexemes in the stored
    vector, without parsing the text again.

    Unless filters narrow the results, the newest RANK_WINDOW matches are kept as the
    vectors are read: PostgreSQL walks the vectors newest first and stops at the window (or,
    for a rare word, lets GIN find its few matches), and a country's (a storefront's) are
    read from its post's own, by the `(post_id, issue_id)` index of migration 0022. Only
    published issues have a vector, stored with the issue's post and date (migration 0023),
    so such a window is made of `issue_fts` alone, without the catalogue. With filters, a
    country and a year narrow the indexed query itself (`facet_words`): GIN intersects their
    entries with the words', and every such match is joined to the catalogue, once."""

    _simple = literal_column("'simple'::regconfig")
    _fts = table("issue_fts", column("issue_id"), column("post_id"),
                 column("issue_date", Date), column("document"))

    def matches(self, words: int, windowed: bool, by_post: bool) -> FromClause:
        fts = self._fts
        score = words_found([fts.c.document.op("@@")(self._query(f"heading_{i}"))
                             for i in range(words)])
        statement = select(fts.c.issue_id, fts.c.issue_date, score.label("score")).where(
            fts.c.document.op("@@")(self._query("words")))
        if windowed:
            # Every vector is a published issue's (migration 0023): a live post's is found.
            statement = statement.where(
                fts.c.post_id.in_(select(Post.id).where(Post.status == PostStatus.LIVE)))
            if by_post:
                # The country (a storefront's) is the only facet: its newest matches are
                # read from its post's vectors, newest first by the (post, issue) index.
                # Filtered, GIN narrows by every facet instead (`values`).
                statement = statement.where(fts.c.post_id == select(Post.id).where(
                    Post.code == bindparam("country", type_=String)).scalar_subquery())
            statement = statement.order_by(fts.c.issue_id.desc()).limit(RANK_WINDOW)
        return statement.subquery("matches")

    def candidates(self, words: int, windowed: bool, by_post: bool,
                   conditions: list[ColumnElement[bool]]) -> Select[Any]:
        found = self.matches(words, windowed, by_post)
        if not windowed:
            return _window(found, conditions)
        # The window as read from `issue_fts`, which holds all it asks (`matches`): joining
        # its 1,200 issues to the catalogue cost as much as reading their vectors.
        return select(found.c.issue_id.label("id"), found.c.issue_date, found.c.score)

    def values(
        self, terms: Sequence[str], query: SearchQuery | None = None, typing: bool = True
    ) -> dict[str, Any]:
        groups = []
        values: dict[str, Any] = {}
        for i, (prefix, forms) in enumerate(_alternatives(terms, typing)):
            lexemes = ([f"'{prefix}':*"] if prefix else []) + [f"'{form}'" for form in forms]
            groups.append(f"({' | '.join(lexemes)})")
            # The same lexemes, matched only where the heading (weight A) holds them.
            values[f"heading_{i}"] = " | ".join(
                ([f"'{prefix}':*A"] if prefix else []) + [f"'{form}':A" for form in forms])
        # Read from the post's own vectors when the country is the only facet (`matches`).
        by_post = query is not None and query.by_post
        groups += [f"'{word}'" for word in ([] if by_post else facet_words(query))]
        values["words"] = " & ".join(groups)
        return values

    def _query(self, name: str) -> Any:
        return func.to_tsquery(self._simple, bindparam(name, type_=String))


BACKENDS: dict[str, SearchBackend] = {
    "sqlite": SQLiteBackend(),
    "postgresql": PostgreSQLBackend(),
}


def backend_for(session: Session) -> SearchBackend:
    return BACKENDS[session.get_bind().dialect.name]


# -- Searching -------------------------------------------------------------------------------


class Sort(enum.Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_LOW = "price"
    PRICE_HIGH = "-price"


BY_PRICE = (Sort.PRICE_LOW, Sort.PRICE_HIGH)


@dataclass(frozen=True)
class PriceRange:
    """Bounds a visitor typed in their display currency, and the rates to read every post's
    prices in it (with the spread the buyer pays, as the prices they are shown)."""

    low: Money | None
    high: Money | None
    rates: RateTable
    spread_bps: int = 0

    def bounds(self) -> dict[str, tuple[int | None, int | None]]:
        """Per currency with a rate: the lowest and highest price in minor units whose
        display falls within the range (within a rounding)."""
        shown = (self.low or self.high).currency  # type: ignore[union-attr]
        markup = Decimal(BASIS_POINTS + self.spread_bps) / BASIS_POINTS
        bounds: dict[str, tuple[int | None, int | None]] = {}
        for currency in sorted(self.rates.currencies | {shown}):
            minor = Decimal(10) ** precision(currency)
            worth = self.rates.rate(currency, shown) * markup / minor
            low = high = None
            if self.low is not None:
                low = int((self.low.to_decimal() / worth).to_integral_value(ROUND_CEILING))
            if self.high is not None:
                high = int((self.high.to_decimal() / worth).to_integral_value(ROUND_FLOOR))
            bounds[currency] = (low, high)
        return bounds


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
    condition: Condition | None = None
    in_stock: bool = False
    prices: PriceRange | None = None
    #: Best match first with words, else newest; by price needs `rates`.
    sort: Sort | None = None
    #: The rates that put prices of every currency on one scale (sorting by price).
    rates: RateTable | None = None
    #: Set on a storefront: only that post's issues.
    post_id: int | None = None
    page: int = 1
    per_page: int = 24

    @property
    def filtered(self) -> bool:
        """Whether anything but words and a country limits the results (a storefront's post
        counts as its country, which its searches name: `SearchForm.to_query`)."""
        return self.in_stock or any(
            value is not None
            for value in (self.theme, self.year, self.format, self.condition, self.prices)
        ) or (self.post_id is not None and self.country is None)

    @property
    def by_post(self) -> bool:
        """Whether a country (a storefront's own, too) is all that limits the results but
        the words: PostgreSQL then reads that post's vectors alone (`PostgreSQLBackend`)."""
        return not self.filtered and bool(self.country)


@dataclass
class SearchResults(CappedPage):
    """One page of matching issues; `total` is counted up to SEARCH_COUNT_CAP, `more` set
    past it. `corrected` holds the words searched instead when those typed found nothing."""

    corrected: str | None = None


def search_issues(session: Session, query: SearchQuery) -> SearchResults:
    """Issues of live posts matching `query`: best match first when words are given, else
    newest first, or by price. One query whatever the number of results or the page asked
    (`cards.card_page`): the page of result cards (`card_columns` rows, and one more, which
    says whether a next page exists) with the count (up to SEARCH_COUNT_CAP). Words that
    the index does not hold and that find nothing cost two more: their spelling is looked
    up, and the nearest words searched instead ("diligensia" finds "diligencia").

    With words, only a bounded window of matches is ranked (RANK_WINDOW): the work per
    search stays flat however common the word, where ranking every match of a common word
    grows with the catalogue."""
    terms = search_terms(query.words)
    results = _search(session, query, terms)
    if results.total or not terms:
        return results
    corrected = corrections(session, terms)
    if corrected == terms:
        return results
    instead = _search(session, query, corrected)
    if instead.total:
        instead.corrected = " ".join(corrected)
        return instead
    return results


def _search(session: Session, query: SearchQuery, terms: list[str]) -> SearchResults:
    dialect = session.get_bind().dialect.name
    bounds = query.prices.bounds() if query.prices is not None else {}
    shape = _Shape.of(dialect, query, len(terms), bounds)
    values = _values(query, shape, bounds)
    if terms:
        values.update(BACKENDS[dialect].values(terms, query, still_typing(session, terms)))
    return read_card_page(session, search_statement(shape), values, query.page, query.per_page,
                          SEARCH_COUNT_CAP, SearchResults)


@dataclass(frozen=True)
class _Shape:
    """What decides a search's SQL but its values: searches of one shape share one
    statement, built once per worker (`search_statement`), with their words and filters bound to
    it (`_values`, `SearchBackend.values`). Building it for every search cost more than the
    database spent running it (0.75 of a page's 4.9 ms on SQLite, and as much again in
    SQLAlchemy's reading of a new statement's cache key)."""

    dialect: str
    #: How many terms are searched (none: filters only).
    words: int
    #: Nothing but the words and a country limits the results: the window is the newest.
    windowed: bool
    sort: Sort
    #: That country is given (`SearchQuery.by_post`).
    by_post: bool = False
    post: bool = False
    country: bool = False
    theme: bool = False
    year: bool = False
    format: bool = False
    condition: bool = False
    in_stock: bool = False
    #: A price range is asked, with the currencies it bounds from below and from above
    #: (`PriceRange.bounds`).
    priced: bool = False
    lows: tuple[str, ...] = ()
    highs: tuple[str, ...] = ()
    #: The currencies put on one scale to sort by price.
    scale: tuple[str, ...] = ()

    @classmethod
    def of(cls, dialect: str, query: SearchQuery, words: int,
           bounds: dict[str, tuple[int | None, int | None]]) -> _Shape:
        sort = query.sort or (Sort.RELEVANCE if words else Sort.NEWEST)
        return cls(
            dialect=dialect, words=words, windowed=not query.filtered, sort=sort,
            by_post=query.by_post,
            post=query.post_id is not None, country=bool(query.country),
            theme=bool(query.theme), year=query.year is not None,
            format=query.format is not None, condition=query.condition is not None,
            in_stock=query.in_stock,
            priced=query.prices is not None,
            lows=tuple(currency for currency, (low, _) in sorted(bounds.items())
                       if low is not None),
            highs=tuple(currency for currency, (_, high) in sorted(bounds.items())
                        if high is not None),
            scale=(tuple(sorted(query.rates.currencies | {"EUR"}))
                   if sort in BY_PRICE and query.rates is not None else ()),
        )


#: Statements kept per worker: one per shape of search asked (a few dozen in practice).
MAX_SHAPES = 512


@lru_cache(maxsize=MAX_SHAPES)
def search_statement(shape: _Shape) -> Select[Any]:
    """The one query of every search of `shape` (`card_statement`), its values left as
    parameters."""
    conditions = _conditions(shape)
    keys: list[Any] = []
    if shape.words:
        # The window: matching issues of live posts, filtered, with their score; the page
        # is cut from it, not by joining `issue` again, and the count read from it.
        candidates = BACKENDS[shape.dialect].candidates(
            shape.words, shape.windowed, shape.by_post, conditions).cte("candidates")
        issue: Any = candidates.c
        # Planned for its words, never by a plan made for another's (`mall.database`).
        matching = select(issue.id, issue.issue_date).execution_options(
            **{PLAN_PER_VALUES: True})
        if shape.sort is Sort.RELEVANCE:
            keys.append(issue.score.label("score"))
    else:
        issue = Issue
        matching = select(Issue.id, Issue.issue_date).join(Issue.post).where(*conditions)
    if shape.scale:
        keys.append(_lowest_price(issue.id, shape).label("price"))
    return card_statement(matching.add_columns(*keys),
                          lambda columns: _ordering(columns, shape.sort), SEARCH_COUNT_CAP)


def _ordering(keys: Any, sort: Sort) -> list[Any]:
    """Best score first (relevance), or by price; then newest, then the newest id."""
    order = []
    if "score" in keys:
        order.append(keys.score.desc())
    if "price" in keys:
        order.append(keys.price.asc().nulls_last() if sort is Sort.PRICE_LOW
                     else keys.price.desc().nulls_last())
    return [*order, keys.issue_date.desc(), keys.id.desc()]


def _window(found: FromClause, conditions: list[ColumnElement[bool]]) -> Select[Any]:
    """At most RANK_WINDOW issues of `found` that pass the filters, with their score: the
    newest ones when more match, so a new release is always among those ranked."""
    return (
        select(Issue.id, Issue.issue_date, found.c.score)
        .select_from(found)
        .join(Issue, Issue.id == found.c.issue_id)
        .join(Issue.post)
        .where(*conditions)
        .order_by(found.c.issue_id.desc())
        .limit(RANK_WINDOW)
    )


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    """The filters, read from the catalogue itself rather than from the index. What is
    asked of products (format, condition, stock, price) is asked of one and the same
    product: "sheets in stock" is not a sheet sold out beside a single in stock."""
    conditions = [Post.status == PostStatus.LIVE, Issue.published_at.is_not(None)]
    if shape.post:
        conditions.append(Issue.post_id == bindparam("post_id"))
    if shape.country:
        conditions.append(Post.code == bindparam("country", type_=String))
    if shape.theme:
        conditions.append(Issue.themes.any(Theme.slug == bindparam("theme")))
    if shape.year:
        conditions.append(Issue.issue_date.between(bindparam("year_first"),
                                                   bindparam("year_last")))
    wanted = _product_conditions(shape)
    if wanted:
        conditions.append(Issue.products.any(and_(*wanted)))
    return conditions


def _product_conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    wanted: list[ColumnElement[bool]] = []
    if shape.format:
        wanted.append(Product.format == bindparam("format"))
    if shape.condition:
        wanted.append(Product.condition == bindparam("condition"))
    if shape.in_stock:
        wanted.append(Product.stock > 0)
    if shape.priced:
        wanted.append(Product.currency.in_(bindparam("currencies", expanding=True)))
        if shape.lows:
            wanted.append(Product.price_minor >= _per_currency("low", shape.lows))
        if shape.highs:
            wanted.append(Product.price_minor <= _per_currency("high", shape.highs))
    return wanted


def _per_currency(name: str, currencies: Sequence[str]) -> Any:
    """A value per product's currency, each a parameter (`_values`: "low_EUR")."""
    return case({currency: bindparam(f"{name}_{currency}", type_=Integer)
                 for currency in currencies}, value=Product.currency)


def _lowest_price(issue_id: Any, shape: _Shape) -> Any:
    """The issue's cheapest product (among those the filters ask for) on one scale across
    currencies: its price times what a minor unit of its currency is worth in euros."""
    worth = {currency: bindparam(f"worth_{currency}", type_=Numeric(38, 18))
             for currency in shape.scale}
    return (
        select(func.min(Product.price_minor * case(worth, value=Product.currency)))
        .where(Product.issue_id == issue_id, *_product_conditions(shape))
        .correlate_except(Product)
        .scalar_subquery()
    )


def _values(query: SearchQuery, shape: _Shape,
            bounds: dict[str, tuple[int | None, int | None]]) -> dict[str, Any]:
    """The values of a search's filters and price scale, as `_conditions` and
    `_lowest_price` name their parameters."""
    values: dict[str, Any] = {}
    if query.post_id is not None:
        values["post_id"] = query.post_id
    if query.country:
        values["country"] = query.country
    if query.theme:
        values["theme"] = query.theme
    if query.year is not None:
        values["year_first"] = date(query.year, 1, 1)
        values["year_last"] = date(query.year, 12, 31)
    if query.format is not None:
        values["format"] = query.format
    if query.condition is not None:
        values["condition"] = query.condition
    if query.prices is not None:
        values["currencies"] = sorted(bounds)
        for currency, (low, high) in bounds.items():
            values.update({f"low_{currency}": low, f"high_{currency}": high})
    if shape.scale and query.rates is not None:
        values.update({
            f"worth_{currency}": query.rates.rate(currency, "EUR")
            / Decimal(10) ** precision(currency)
            for currency in shape.scale})
    return values


# -- The form --------------------------------------------------------------------------------


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _by_label(choices: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """In the order a reader looks for them: "Österreich" among the O's, not after "Zambia"."""
    return sorted(choices, key=lambda choice: fold(choice[1]))


def _menus() -> dict[str, Menu]:
    """The menus' options, written in the page's language: made once per language while the
    catalogue holds (two queries and some seventy translations per search, else)."""

    def read() -> dict[str, Menu]:
        posts = db.session.scalars(Post.live_query())
        themes = db.session.scalars(select(Theme))
        menus: dict[str, list[tuple[str, Any]]] = {
            "country": [("", _l("Any country")),
                        *_by_label((post.code, country_name(post.code)) for post in posts)],
            "theme": [("", _l("Any theme")),
                      *_by_label((theme.slug, localized(theme.name)) for theme in themes)],
            "format": [("", _l("Any format")),
                       *((format_.value, LABELS[format_]) for format_ in ProductFormat)],
            "condition": [("", _l("Any condition")),
                          *((condition.value, LABELS[condition]) for condition in Condition)],
            "sort": [("", _l("Best match, or newest without words")),
                     *((sort.value, SORT_LABELS[sort]) for sort in Sort)],
        }
        return {name: Menu((value, str(label)) for value, label in options)
                for name, options in menus.items()}

    return memoized("search_menus", str(page_locale()), ("catalogue",), read)


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


class _PriceField(StringField):
    """An amount in the visitor's display currency, as they type it ("12,50" or "12.50");
    blank is no bound."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip().replace(" ", "").replace(",", ".") if valuelist else ""
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value < 0 or value > MAX_PRICE:
            self.process_errors.append(_l("Write a price as a number, like 12.50."))
            return
        self.data = value

    def pre_validate(self, form: Form) -> None:
        if self.process_errors:
            raise StopValidation

    def money(self, currency: str) -> Money | None:
        if self.data is None:
            return None
        exponent = Decimal(1).scaleb(-precision(currency))
        return Money.from_decimal(self.data.quantize(exponent, ROUND_FLOOR), currency)


#: The highest price a search may name, far above any stamp's.
MAX_PRICE = Decimal("99999999")

SORT_LABELS = {
    Sort.RELEVANCE: _l("Best match"),
    Sort.NEWEST: _l("Newest first"),
    Sort.PRICE_LOW: _l("Price, lowest first"),
    Sort.PRICE_HIGH: _l("Price, highest first"),
}


class SearchForm(MallQueryForm):
    """The search form, read from the query string: a GET form changes nothing, so it has
    no CSRF token, and its URL can be bookmarked and shared."""

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
    condition = SelectField(_l("Condition"), default="")
    price_min = _PriceField(_l("Lowest price"))
    price_max = _PriceField(_l("Highest price"))
    in_stock = BooleanField(_l("In stock only"))
    sort = SelectField(_l("Sort"), default="")
    page = _OptionalIntegerField(
        _l("Page"),
        validators=[
            Optional(),
            NumberRange(1, MAX_PAGE, _l("Choose a page between %(min)d and %(max)d.")),
        ],
    )

    def __init__(self, formdata: Any = None, **kwargs: Any) -> None:
        super().__init__(formdata, **kwargs)
        menus = _menus()
        for name in ("country", "theme", "format", "condition", "sort"):
            self[name].choices = menus[name]
        self.price_min.description = self.price_max.description = _l(
            "In %(currency)s.", currency=display_currency())

    def validate_price_max(self, field: _PriceField) -> None:
        low = self.price_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The highest price must not be below the lowest."))

    def to_query(self, post: Post | None = None, per_page: int = 24) -> SearchQuery:
        """The validated filters; on a storefront (`post` given) the country is always the
        storefront's own, whatever the query string says."""
        currency = display_currency()
        low, high = self.price_min.money(currency), self.price_max.money(currency)
        sort = Sort(self.sort.data) if self.sort.data else None
        priced = low is not None or high is not None
        rates = rate_table() if priced or sort in BY_PRICE else None
        return SearchQuery(
            words=self.q.data or "",
            country=post.code if post is not None else self.country.data or None,
            theme=self.theme.data or None,
            year=self.year.data,
            format=ProductFormat(self.format.data) if self.format.data else None,
            condition=Condition(self.condition.data) if self.condition.data else None,
            in_stock=bool(self.in_stock.data),
            prices=(PriceRange(low, high, rates, configured_spread_bps(current_app.config))
                    if rates is not None and priced else None),
            sort=sort,
            rates=rates if sort in BY_PRICE else None,
            post_id=post.id if post is not None else None,
            page=self.page.data or 1,
            per_page=per_page,
        )
