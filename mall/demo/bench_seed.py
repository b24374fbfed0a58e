"""`flask mall seed-bench --issues N`: the demo mall grown to a benchmark's scale, fast.

On top of the demo (`seed-demo`, run first: its rates, themes, buyers and shipping), it opens
more posts (40 in all by default, each pricing in a currency the demo's rate snapshot has) and
spreads N issues over every live post, with products and themes. Titles and descriptions are
drawn from word lists in five languages with Zipf-like frequencies — a few words common, most
rare — so full-text search sees the selectivity of a real catalogue. The generator is
deterministic: the same N and seed give the same catalogue, and the words the benchmark
searches for (`COMMON_WORD`, `SECOND_WORD`, the word of `SCARCE_RANK`) are known in advance,
and its rare word is found in it (`rare_word`).

Rows go in in batches, not through the ORM: one executemany per table and batch, or on
PostgreSQL one COPY (`_insert`). The search text is written by the app's own
`issue_document` into `issue_search`; the database keeps the rest as it does for the app
(SQLite's FTS5 triggers, PostgreSQL's trigger into `issue_fts`), except that PostgreSQL's GIN
index is built once after the load rather than row by row
(`_full_text_index_set_aside`)."""

from __future__ import annotations

import itertools
import random
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import click
from babel import Locale
from babel.numbers import get_currency_precision
from flask.cli import with_appcontext
from sqlalchemy import Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session

from mall.catalogue.models import (
    Condition,
    HSCode,
    Issue,
    Product,
    ProductFormat,
    Theme,
    issue_theme,
)
from mall.catalogue.search import (
    IssueSearch,
    SearchQuery,
    issue_document,
    learn_spelling,
    merge_index,
    search_issues,
)
from mall.demo.seed import seed
from mall.extensions import db
from mall.posts.models import Post, PostStatus

#: Rows per executemany.
BATCH = 5000
#: Marks the issues this command made (their slugs start with it).
SLUG_PREFIX = "bench-"
LANGUAGES = ("en", "es", "fr", "nl", "pt")
#: The posts added to the demo's six, with currencies the demo's rate snapshot prices.
EXTRA_POSTS: tuple[tuple[str, str, str], ...] = (
    ("us", "USD", "en"), ("jp", "JPY", "en"), ("cz", "CZK", "en"), ("dk", "DKK", "en"),
    ("gb", "GBP", "en"), ("hu", "HUF", "en"), ("pl", "PLN", "en"), ("ro", "RON", "fr"),
    ("se", "SEK", "en"), ("ch", "CHF", "fr"), ("is", "ISK", "en"), ("no", "NOK", "en"),
    ("tr", "TRY", "en"), ("au", "AUD", "en"), ("br", "BRL", "pt"), ("ca", "CAD", "fr"),
    ("cn", "CNY", "en"), ("hk", "HKD", "en"), ("id", "IDR", "nl"), ("il", "ILS", "en"),
    ("in", "INR", "en"), ("kr", "KRW", "en"), ("mx", "MXN", "es"), ("my", "MYR", "en"),
    ("nz", "NZD", "en"), ("ph", "PHP", "es"), ("sg", "SGD", "en"), ("th", "THB", "en"),
    ("za", "ZAR", "nl"), ("kw", "KWD", "en"), ("fr", "EUR", "fr"), ("be", "EUR", "nl"),
    ("es", "EUR", "es"), ("pt", "EUR", "pt"),
)

#: The head of each language's vocabulary, most frequent first; a long tail of made-up
#: words follows (`_vocabulary`).
HEAD_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("stamp", "issue", "anniversary", "national", "birds", "flowers", "history",
           "heritage", "festival", "ships", "railway", "lighthouse", "butterfly", "painter",
           "museum", "river", "mountain", "forest", "bridge", "cathedral", "olympic",
           "football", "christmas", "children", "women", "science", "music", "dance", "ocean",
           "island", "harbour", "castle", "portrait", "poet", "independence", "carnival",
           "wildlife", "orchid", "eagle", "whale", "tiger", "desert", "aviation", "pioneer",
           "medicine", "garden", "village", "market", "textile", "pottery"),
    "es": ("sello", "emisión", "aniversario", "nacional", "aves", "flores", "historia",
           "patrimonio", "fiesta", "barcos", "ferrocarril", "faro", "mariposa", "pintor",
           "museo", "río", "montaña", "bosque", "puente", "catedral", "olímpico", "fútbol",
           "navidad", "infancia", "mujeres", "ciencia", "música", "danza", "océano", "isla",
           "puerto", "castillo", "retrato", "poeta", "independencia", "carnaval", "fauna",
           "orquídea", "águila", "ballena", "jaguar", "desierto", "aviación", "pionero",
           "medicina", "jardín", "pueblo", "mercado", "tejido", "cerámica"),
    "fr": ("timbre", "émission", "anniversaire", "national", "oiseaux", "fleurs", "histoire",
           "patrimoine", "fête", "navires", "chemin", "phare", "papillon", "peintre", "musée",
           "rivière", "montagne", "forêt", "pont", "cathédrale", "olympique", "football",
           "noël", "enfance", "femmes", "science", "musique", "danse", "océan", "île", "port",
           "château", "portrait", "poète", "indépendance", "carnaval", "faune", "orchidée",
           "aigle", "baleine", "tigre", "désert", "aviation", "pionnier", "médecine", "jardin",
           "village", "marché", "tissage", "poterie"),
    "nl": ("postzegel", "uitgifte", "jubileum", "nationaal", "vogels", "bloemen",
           "geschiedenis", "erfgoed", "feest", "schepen", "spoorweg", "vuurtoren", "vlinder",
           "schilder", "museum", "rivier", "berg", "bos", "brug", "kathedraal", "olympisch",
           "voetbal", "kerstmis", "kinderen", "vrouwen", "wetenschap", "muziek", "dans",
           "oceaan", "eiland", "haven", "kasteel", "portret", "dichter", "onafhankelijkheid",
           "carnaval", "dieren", "orchidee", "adelaar", "walvis", "tijger", "woestijn",
           "luchtvaart", "pionier", "geneeskunde", "tuin", "dorp", "markt", "textiel",
           "aardewerk"),
    "pt": ("selo", "emissão", "aniversário", "nacional", "aves", "flores", "história",
           "património", "festa", "navios", "ferrovia", "farol", "borboleta", "pintor",
           "museu", "rio", "montanha", "floresta", "ponte", "catedral", "olímpico", "futebol",
           "natal", "infância", "mulheres", "ciência", "música", "dança", "oceano", "ilha",
           "porto", "castelo", "retrato", "poeta", "independência", "carnaval", "fauna",
           "orquídea", "águia", "baleia", "onça", "deserto", "aviação", "pioneiro", "medicina",
           "jardim", "aldeia", "mercado", "tecelagem", "olaria"),
}
_SYLLABLES: dict[str, tuple[str, ...]] = {
    "en": ("bar", "ton", "wick", "ley", "ford", "ham", "mor", "shire", "dale", "ber", "thorn"),
    "es": ("ca", "mi", "lo", "rra", "que", "ña", "do", "ti", "gua", "len", "zo"),
    "fr": ("bel", "ville", "mont", "roche", "eau", "cour", "gne", "lieu", "tou", "pré", "ard"),
    "nl": ("berg", "dijk", "hoven", "kerk", "veld", "sloot", "wijk", "gaar", "broek", "ee", "ter"),
    "pt": ("ção", "nho", "lha", "ra", "bo", "que", "tu", "vão", "ma", "ri", "gal"),
}
#: Words per language: the head, then made-up words, so most of the vocabulary is rare.
VOCABULARY_SIZE = 6000
ZIPF_EXPONENT = 1.1
#: The words the benchmark searches for, by rank in the English vocabulary: rank 8 is in
#: about a fifth of the issues, rank 20 in about a tenth, rank 400 in one of 200.
COMMON_WORD = HEAD_WORDS["en"][8]
SECOND_WORD = HEAD_WORDS["en"][20]
SCARCE_RANK = 400
#: A rare word is one that at most this many issues hold, whatever the catalogue's size.
RARE_MATCHES = 5

DESIGNERS = ("Ana Souto", "Pieter de Vries", "Claire Morel", "John Whitfield", "Luís Baptista",
             "Mariana Ortiz", "Kenji Sato", "Studio Lumen", "Post design office")
PRINTERS = (("Cartor Security Printing", "Offset"), ("Joh. Enschedé", "Offset + intaglio"),
            ("Royal Mint Printers", "Gravure"), ("Imprensa Nacional", "Offset"),
            ("Phil@poste", "Intaglio"))
FORMATS = (ProductFormat.SINGLE, ProductFormat.SET, ProductFormat.SOUVENIR_SHEET,
           ProductFormat.FIRST_DAY_COVER, ProductFormat.SHEETLET)


def _vocabulary(language: str, rng: random.Random) -> list[str]:
    words = list(HEAD_WORDS[language])
    seen = set(words)
    syllables = _SYLLABLES[language]
    while len(words) < VOCABULARY_SIZE:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class Words:
    """Each language's vocabulary with cumulative Zipf weights, for `random.choices`."""

    vocabulary: dict[str, list[str]]
    weights: list[float]

    @classmethod
    def build(cls, rng: random.Random) -> Words:
        vocabulary = {language: _vocabulary(language, rng) for language in LANGUAGES}
        weights = list(itertools.accumulate(
            1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(VOCABULARY_SIZE)))
        return cls(vocabulary, weights)

    def draw(self, rng: random.Random, language: str, n: int) -> list[str]:
        return rng.choices(self.vocabulary[language], cum_weights=self.weights, k=n)


def english_words(seed_value: int = 1) -> list[str]:
    """The English vocabulary for this seed, most frequent first (the tail is made up per
    seed)."""
    return Words.build(random.Random(seed_value)).vocabulary["en"]


def held_by(session: Session, word: str) -> int:
    """How many issues a search for `word` finds (up to the search's cap), not counting
    those of a word it would search instead."""
    found = search_issues(session, SearchQuery(words=word))
    return 0 if found.corrected else found.total


def rare_word(session: Session, seed_value: int = 1) -> str:
    """The most frequent English word that at least one and at most RARE_MATCHES issues
    hold, or the vocabulary's last when every word is held by more (at 200,000 issues its
    last word is held by some fifty). A word of a fixed rank is held by a fixed share of the
    issues: rank 400 by 4 of 1,000 and by 1,037 of 200,000, a word of middling frequency
    there, which the bench searches as well (`SCARCE_RANK`)."""
    words = english_words(seed_value)
    low, high = SCARCE_RANK, len(words) - 1
    while low < high:  # the first rank held by few enough: fewer hold each later word
        middle = (low + high) // 2
        if held_by(session, words[middle]) <= RARE_MATCHES:
            high = middle
        else:
            low = middle + 1
    while low > SCARCE_RANK and not held_by(session, words[low]):  # a word no issue holds
        low -= 1
    return words[low]


# -- Posts -----------------------------------------------------------------------------------


def _extra_posts(session: Session, wanted: int) -> None:
    """Open posts until `wanted` are live. Bench posts are opened directly (LIVE, verified):
    they only hold catalogue for the load test; the demo's posts are the ones buyers order
    from, with shipping, staff and pages."""
    have = set(session.scalars(select(Post.code)))
    live = session.scalar(select(func.count()).where(Post.status == PostStatus.LIVE)) or 0
    english = Locale("en")
    for code, currency, language in EXTRA_POSTS:
        if live >= wanted:
            break
        if code in have:
            continue
        country = {loc: Locale(loc).territories.get(code.upper(), code.upper())
                   for loc in ("en", language)}
        name = english.territories.get(code.upper(), code.upper())
        session.add(Post(
            code=code,
            name={"en": f"{name} Post"},
            shop_name={"en": f"{name} Philatelic Shop"},
            tagline={},
            country_name=country,
            default_locale="en",
            locales=sorted({"en", language} & {"en", "es", "fr", "nl"}),
            currency=currency,
            status=PostStatus.LIVE,
            community_id=f"POST-{code.upper()}-BENCH",
            verified_at=datetime(2020, 1, 1, tzinfo=UTC),
            email=f"stamps@stamps.{code}.post",
        ))
        live += 1
    session.flush()


# -- Issues ----------------------------------------------------------------------------------


def _next_id(session: Session, model: type) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def _rows(
    session: Session, n: int, rng: random.Random, words: Words
) -> Iterator[tuple[list[dict], list[dict], list[dict], list[dict]]]:
    """Batches of (issues, products, issue themes, search rows), ids assigned here."""
    posts = list(session.scalars(select(Post).where(Post.status == PostStatus.LIVE)
                                 .order_by(Post.id)))
    themes = list(session.scalars(select(Theme).order_by(Theme.slug)))
    extra_language = {code: language for code, _currency, language in EXTRA_POSTS}
    post_language = {
        post.id: extra_language.get(post.code)
        or (post.default_locale if post.default_locale in LANGUAGES else "en")
        for post in posts
    }
    precision = {post.currency: get_currency_precision(post.currency) for post in posts}
    # Posts are of unequal size, as in the real mall: a few big catalogues, many small.
    post_weights = [1 / (rank + 1) ** 0.5 for rank in range(len(posts))]
    issue_id, product_id = _next_id(session, Issue), _next_id(session, Product)
    wns_counter: dict[tuple[int, int], int] = {}
    first_day, days = date(1975, 1, 1), (date(2026, 11, 30) - date(1975, 1, 1)).days
    done = 0
    while done < n:
        issues, products, links, search = [], [], [], []
        for _ in range(min(BATCH, n - done)):
            post = rng.choices(posts, weights=post_weights)[0]
            language = post_language[post.id]
            issue_date = first_day + timedelta(days=rng.randrange(days))
            title, description = {}, {}
            for lang in dict.fromkeys(("en", language)):
                title[lang] = " ".join(words.draw(rng, lang, rng.randint(2, 5))).capitalize()
                description[lang] = " ".join(words.draw(rng, lang, rng.randint(12, 30))) + "."
            wns: list[str] = []
            if issue_date.year >= 2002:
                key = (post.id, issue_date.year)
                wns_counter[key] = wns_counter.get(key, 0) + 1
                if wns_counter[key] <= 999:
                    wns = [f"{post.code.upper()}{wns_counter[key]:03d}.{issue_date.year % 100:02d}"]
            designer = rng.choice(DESIGNERS)
            printer, process = rng.choice(PRINTERS)
            chosen = rng.sample(themes, rng.randint(1, 2))
            issues.append({
                "id": issue_id, "post_id": post.id,
                "slug": f"{SLUG_PREFIX}{issue_id}",
                "title": title, "description": description, "issue_date": issue_date,
                "wns_numbers": wns, "designer": designer, "printer": printer,
                "process": process, "perforation": "13 × 13¼",
                "print_run": rng.randrange(5, 200) * 1000,
                "created_at": datetime.now(UTC),
                "published_at": datetime.combine(issue_date, time(9), tzinfo=UTC),
                "image_key": None,
            })
            links += [{"issue_id": issue_id, "theme_id": theme.id} for theme in chosen]
            unit = 10 ** precision[post.currency]
            for position, format_ in enumerate(rng.sample(FORMATS, rng.randint(1, 3))):
                products.append({
                    "id": product_id, "post_id": post.id, "issue_id": issue_id,
                    "sku": f"B{issue_id}-{position}", "format": format_,
                    "condition": Condition.MINT, "face_value": "",
                    "price_minor": rng.randint(1, 60) * unit * (100 if unit == 1 else 1),
                    "currency": post.currency, "stock": rng.randint(20, 500),
                    "weight_g": 5, "hs_code": HSCode.MINT_STAMPS.value, "position": position,
                })
                product_id += 1
            heading, body = issue_document(SimpleNamespace(  # type: ignore[arg-type]
                post=post, title=title, description=description, wns_numbers=wns,
                designer=designer, printer=printer, issue_date=issue_date,
                themes=sorted(chosen, key=lambda t: t.slug),
            ))
            search.append({"issue_id": issue_id, "heading": heading, "body": body})
            issue_id += 1
        done += len(issues)
        yield issues, products, links, search


def _bump_sequences(session: Session) -> None:
    """Ids were given explicitly: PostgreSQL's sequences must move past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in ("issue", "product"):
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
            f"(SELECT max(id) FROM {name}))"))


def _insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert a batch of rows: one executemany, or on PostgreSQL one COPY. psycopg sends
    an executemany as one statement per row (pipelined), and a 200,000-issue catalogue is
    over a million rows; COPY streams them. Values are converted by the columns' own types
    (JSON, enums, UTC datetimes), as an INSERT would convert them; triggers and foreign
    keys check each row alike."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    from psycopg import sql  # the `postgres` extra, installed where PostgreSQL is used

    names = list(rows[0])
    convert = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names)))
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] if to is None else to(row[name])
                            for name, to in zip(names, convert, strict=True)])


#: Memory PostgreSQL may use to build the full-text index after the load (its default, 64 MB,
#: makes a 200,000-issue index in several passes).
INDEX_BUILD_MEMORY = "256MB"


@contextmanager
def _full_text_index_set_aside(session: Session) -> Iterator[None]:
    """PostgreSQL: the GIN index of the stored search vectors dropped for the load and built
    again from its own definition after it, as PostgreSQL's manual advises for a bulk load.
    Kept, it took every row's hundred-odd words one by one (it has no pending list): a third
    of a 40,000-issue build. The index is the migration's, read back from the database, so
    the rebuilt one is the one the app searches. Nothing to do on SQLite, whose FTS5 index
    is merged after the load (`tidy_after_bulk_load`)."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    definitions = session.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes"
        " WHERE tablename = 'issue_fts' AND indexdef LIKE '% USING gin %'")).all()
    for name, _definition in definitions:
        session.execute(text(f'DROP INDEX "{name}"'))
    yield
    session.execute(text(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'"))
    for _name, definition in definitions:
        session.execute(text(definition))


def seed_bench(session: Session, issues: int, posts: int = 40, seed_value: int = 1) -> str:
    """The demo, `posts` live posts and `issues` more issues. Flushes, never commits;
    refuses a database that already holds bench issues (start from a fresh one)."""
    started = clock.perf_counter()
    already = session.scalar(select(func.count()).where(Issue.slug.like(f"{SLUG_PREFIX}%")))
    if already:
        raise click.ClickException(
            f"the database already holds {already} bench issues: seed a fresh database")
    seed(session)
    _extra_posts(session, posts)
    rng = random.Random(seed_value)
    words = Words.build(rng)
    made = 0
    with _full_text_index_set_aside(session):
        for issue_rows, product_rows, links, search in _rows(session, issues, rng, words):
            _insert(session, Issue.__table__, issue_rows)
            _insert(session, Product.__table__, product_rows)
            _insert(session, issue_theme, links)
            _insert(session, IssueSearch.__table__, search)
            learn_spelling(session, search)
            made += len(issue_rows)
    _bump_sequences(session)
    session.flush()
    live = session.scalar(select(func.count()).where(Post.status == PostStatus.LIVE))
    return (f"Bench catalogue: {made} issues over {live} live posts "
            f"in {clock.perf_counter() - started:.1f} s (before the commit).")


@click.command("seed-bench")
@click.option("--issues", type=click.IntRange(0), default=1000, show_default=True,
              help="Issues to add to the demo's catalogue.")
@click.option("--posts", type=click.IntRange(6, 6 + len(EXTRA_POSTS)), default=40,
              show_default=True, help="Live posts in all (the demo has 6).")
@click.option("--seed", "seed_value", type=int, default=1, show_default=True,
              help="Random seed: the same seed builds the same catalogue.")
@with_appcontext
def seed_bench_command(issues: int, posts: int, seed_value: int) -> None:
    """Grow the demo mall to a benchmark's scale (`make bench`), in a fresh database."""
    started = clock.perf_counter()
    summary = seed_bench(db.session, issues, posts, seed_value)
    db.session.commit()
    click.echo(summary)
    click.echo(f"Committed after {clock.perf_counter() - started:.1f} s.")
    tidy_after_bulk_load(db.engine)
    click.echo(f"Statistics gathered, pages written after {clock.perf_counter() - started:.1f} s.")


def tidy_after_bulk_load(engine: Engine) -> None:
    """What a bulk load owes the database before it serves. PostgreSQL, as autovacuum would
    some minutes later: planner statistics (a plan chosen without them sent a common word's
    search from 20 ms to 5 s on 200,000 issues) and the full-text index's pending entries merged (a
    search read them one by one: 100 ms for a word). Then a checkpoint: the load leaves
    hundreds of megabytes of dirty pages, which PostgreSQL otherwise writes out over the
    next minutes, under whatever is measured then (placing orders, whose commits wait on
    the same disk, ran at 84 instead of 115 a second after a 200,000-issue build).
    SQLite's planner needs no statistics for these queries (their plans are fixed by
    tests/search/test_plans.py), but FTS5's index is merged into one segment
    (`merge_index`): the batches leave it in layers that every search reads."""
    if engine.dialect.name == "sqlite":
        with Session(engine) as session:
            merge_index(session)
            session.commit()
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
