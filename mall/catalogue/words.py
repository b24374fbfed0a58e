"""Words as search sees them: folded as a searcher types them, stemmed in the language they
are written in, and spelled nearly right.

Stemming happens here, in Python, for both databases alike (Snowball's stemmers, the ones
PostgreSQL's text-search configurations use): an issue's texts are stemmed in their own
language when indexed, and a visitor's word — whose language nobody knows — is tried in
every language, so "butterfly" finds "Butterflies of Uganda" and "papillon" finds
"Papillons d'Ouganda" on SQLite as on PostgreSQL, with the same results.

Typos are caught by deletions (the SymSpell idea): every indexed word is stored with each
of its one-letter deletions, and a visitor's word with its own deletions is looked up among
them, which finds every word one edit away and most two edits away ("diligensia" and
"diligencia" share "diligenia") with one indexed lookup, on either database."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer


def _mark_ranges() -> str:
    """A character class of the combining marks of the Basic Multilingual Plane: Python's
    `\\w` leaves them out, and Khmer or Devanagari words are letters joined by marks."""
    return _class_of([code for code in range(0x10000)
                      if unicodedata.category(chr(code))[0] == "M"])


def _class_of(marks: list[int]) -> str:
    """The inside of a regular expression's character class holding these code points."""
    ranges: list[str] = []
    start = previous = marks[0]
    for code in [*marks[1:], -1]:
        if code != previous + 1:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(previous))}")
            start = code
        previous = code
    return "".join(ranges)


_TERM = re.compile(f"(?:[^\\W_]|[{_mark_ranges()}])+")
#: Below this code point are the Latin, Greek and Cyrillic letters whose accents searchers
#: leave out; marks on other scripts (Khmer vowel signs…) are part of the letter and stay.
_ACCENTED_SCRIPTS_END = "\u0530"


def _combining_ranges() -> str:
    """A character class of the Basic Multilingual Plane's combining characters (those with
    a combining class: accents, not Khmer's spacing vowel signs)."""
    marks = [code for code in range(0x10000) if unicodedata.combining(chr(code))]
    return _class_of(marks)


#: A Latin, Greek or Cyrillic character and the accents after it, which `fold` removes
#: (one pass of a regular expression: a loop over the characters cost half of indexing).
_ACCENTS = re.compile(
    f"([\\x00-{re.escape(chr(ord(_ACCENTED_SCRIPTS_END) - 1))}])[{_combining_ranges()}]+")
#: Snowball's stemmer for each language posts write in. Khmer and Swahili have none: their
#: words are matched as written.
STEMMER_NAMES = {
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}

#: Words shorter than this are not corrected: one letter off a three-letter word is
#: another word more often than a typo.
SPELLING_MIN_LENGTH = 4
#: Longer words are not kept for spelling (nobody mistypes a 40-letter run of letters).
SPELLING_MAX_LENGTH = 30


def fold(text: str) -> str:
    """Lower case, compatibility forms (ligatures, full-width digits) made plain, and the
    accents of Latin, Greek and Cyrillic letters removed: how a searcher types a word."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _ACCENTS.sub(r"\1", decomposed))


def search_terms(text: str) -> list[str]:
    """The folded words of a text: runs of letters and digits, so "UY003.18" is two terms
    and quotes, stars, `&` or `NEAR` typed by a visitor are no more than spaces."""
    return _TERM.findall(fold(text))


# -- Stems -----------------------------------------------------------------------------------

_stemmers = threading.local()  # a Snowball stemmer keeps state while it stems a word


@lru_cache(maxsize=200_000)
def _stem(algorithm: str, word: str) -> str:
    """One word's stem, remembered: catalogues repeat their words. snowballstemmer runs
    PyStemmer's C stemmers (the same algorithms, the same stems) when it is installed, as
    setup.cfg asks; in pure Python, stemming cost more than the rest of indexing."""
    cache: dict[str, snowballstemmer.stemmer] = _stemmers.__dict__.setdefault("by_name", {})
    if algorithm not in cache:
        cache[algorithm] = snowballstemmer.stemmer(algorithm)
    return cache[algorithm].stemWord(word)


def stems(words: Sequence[str], language: str | None) -> list[str]:
    """The stems of folded `words` in `language` (none for a language without a stemmer),
    digits left alone."""
    algorithm = STEMMER_NAMES.get(language.split("_")[0]) if language else None
    if algorithm is None:
        return []
    return [_stem(algorithm, word) for word in words if not word.isdigit()]


def document(texts: Iterable[tuple[str | None, str]]) -> str:
    """The indexed text of (language, text) pairs: each text's words, then the stems of
    those in a known language that differ from their word, each once."""
    words: list[str] = []
    extra: list[str] = []
    for language, text in texts:
        found, stemmed = _indexed(language, text)
        words += found
        extra += stemmed
    seen = set(words)
    return " ".join(words + [stem for stem in dict.fromkeys(extra) if stem not in seen])


@lru_cache(maxsize=4096)
def _indexed(language: str | None, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A text's words and their stems, remembered: every issue of a post repeats the post's
    and its country's names in some thirty languages."""
    found = search_terms(text)
    return tuple(found), tuple(stems(found, language))


def variants(term: str) -> list[str]:
    """What a visitor's folded word may be indexed as: itself, then its stem in each
    language, each once, in a fixed order (the same query on every database)."""
    found = [term]
    if not term.isdigit():
        for language in sorted(STEMMER_NAMES):
            found += stems([term], language)
    return list(dict.fromkeys(found))


# -- Spelling --------------------------------------------------------------------------------


def spelled(word: str) -> bool:
    """Whether a folded word is kept for correcting others: letters only, not too short or
    long."""
    return SPELLING_MIN_LENGTH <= len(word) <= SPELLING_MAX_LENGTH and word.isalpha()


def deletions(word: str) -> set[str]:
    """The word and every word one letter shorter than it."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def distance(a: str, b: str) -> int:
    """Edits from `a` to `b`: letters inserted, deleted, replaced or two neighbours swapped
    (the optimal string alignment distance)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def closest(term: str, known: Iterable[str]) -> str | None:
    """The known word nearest to `term`, if near enough to be what was meant: one edit for a
    short word, two for one of six letters or more; ties go to the word of the same length,
    then alphabetically, so every database suggests the same."""
    allowed = 1 if len(term) < 6 else 2
    ranked = sorted(
        (distance(term, word), abs(len(word) - len(term)), word)
        for word in set(known) if word != term
    )
    if ranked and ranked[0][0] <= allowed:
        return ranked[0][2]
    return None
