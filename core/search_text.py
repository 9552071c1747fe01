"""Search keys: every name the search box finds is stored a second time, reduced to what a
person may type for it. Pure functions, no database.

A key holds, for each name of a record (a partner's name and short name, a contact's name …),
three forms separated by spaces, with a space at either end::

    " 交控科技 jiaokongkeji jkkj "

- the name itself, normalised like a query (full-width to half-width, lower case, no spaces);
- its full pinyin without tones or separators ("jiaokongkeji"), Latin letters and digits kept
  ("京东方BOE" → "jingdongfangboe");
- its pinyin initials ("jkkj"; "京东方BOE" → "jdfboe").

A query is normalised the same way and has no spaces, so it never matches across two forms;
``" " + query`` matches where a form starts and ``" " + query + " "`` a whole form. Those
three patterns are plain ``LIKE`` substrings: the same answer on SQLite and PostgreSQL, and on
PostgreSQL a trigram index serves them.

A trigram index cannot serve a two-character substring ("通号", the commonest Chinese query),
so the key also lists every two-character piece of the names that holds a Chinese (non-ASCII)
character, each as a word between two full-width Ｐ: ``"Ｐ交控Ｐ Ｐ控科Ｐ Ｐ科技Ｐ"``. Such a query
looks for ``"Ｐ通号Ｐ"``, which PostgreSQL's trigram index serves and which is found exactly
where ``"通号"`` is. Queries never hold a full-width letter (normalising turns it into its
ASCII twin), so no other pattern matches these words.

The marks are letters, not white space, because the trigram index splits words at white
space: a piece marked with a tab was, to the index, a word of its own, the same as a name that
starts (and ends) with it. The search box's "whole name" and "starts with" tiers then read
every record that contains the piece to find the few that start with it: 45,735 of 200,000
partners for "科技" (40–50 ms a tier), 143,256 for "北京" (150 ms). Between two letters, the
piece neither starts nor ends a word.

Polyphonic characters take the reading pypinyin's phrase dictionary gives them in context
(重庆 chongqing, 银行 yinhang, 长城 changcheng). Only a leading character that is a common
surname with a reading of its own (单 shan, 曾 zeng …) also gets that reading, so that
contact persons are found by the way their names are said; expanding every reading of every
character would multiply the forms and the false matches.
"""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

MAX_QUERY_LENGTH = 100

PAIR_MARK = "\uff30"  # Ｐ: a word character to the trigram index, never in a normalised query
_WHITE_SPACE = re.compile(r"\s+")
_NOT_LATIN_OR_DIGIT = re.compile(r"[^a-z0-9]")

# Surnames whose reading differs from the character's everyday reading.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "覃": "qin",
    "缪": "miao",
    "乐": "yue",
    "尉": "yu",
    "秘": "bi",
    "繁": "po",
}


def normalise(text: str | None) -> str:
    """Full-width letters, digits and brackets to half-width (NFKC), lower case, without any
    white space: what a name and a query are both reduced to before they are compared."""
    return _WHITE_SPACE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def _latin(parts: list[str]) -> str:
    """Join pinyin syllables and the Latin or digit runs between them, dropping punctuation."""
    return _NOT_LATIN_OR_DIGIT.sub("", "".join(parts))


def _initials(text: str, syllables: list[str]) -> list[str]:
    """The initials from one conversion (a second one, in FIRST_LETTER style, would double the
    cost): pypinyin returns a Han character's syllable, or a run of other characters as it is,
    which is what the text continues with at that point."""
    initials, position = [], 0
    for item in syllables:
        if text.startswith(item, position):
            initials.append(item)
            position += len(item)
        else:
            initials.append(item[0])
            position += 1
    return initials


def name_forms(name: str | None) -> list[str]:
    """The forms a name is found by: itself, its full pinyin, its initials (and those of a
    surname's own reading), without repeats; empty for an empty name."""
    text = normalise(name)
    if not text:
        return []
    syllables = lazy_pinyin(text, style=Style.NORMAL)
    initials = _initials(text, syllables)
    forms = [text, _latin(syllables), _latin(initials)]
    surname = SURNAME_READINGS.get(text[0])
    if surname is not None and syllables[0] != surname:
        forms += [_latin([surname, *syllables[1:]]), _latin([surname[0], *initials[1:]])]
    return list(dict.fromkeys(form for form in forms if form))


def _pairs(text: str) -> list[str]:
    """The two-character pieces of a normalised name that hold a non-ASCII character."""
    return [piece for i in range(len(text) - 1) if _is_piece(piece := text[i : i + 2])]


def search_key_for(*names: str | None) -> str:
    """The stored search key of a record with these names (e.g. a partner's name and short
    name). Models keep it current on save; code that writes with ``bulk_create`` or
    ``bulk_update`` sets it with this function (see ``core.searchable``)."""
    forms = list(dict.fromkeys(form for name in names for form in name_forms(name)))
    if not forms:
        return ""
    pairs = dict.fromkeys(pair for name in names for pair in _pairs(normalise(name)))
    pieces = (f"{PAIR_MARK}{pair}{PAIR_MARK}" for pair in pairs)
    return "".join(f" {word}" for word in (*forms, *pieces)) + " "


def has_text(query: str) -> bool:
    """Whether the query holds a letter or digit (a Chinese character is a letter, to Python as
    to ``pg_trgm``): punctuation or symbols alone (``（``, ``-``, ``·``, ``®``, emoji) give the
    trigram index nothing to look up."""
    return any(char.isalnum() for char in query)


def _is_piece(query: str) -> bool:
    """Two characters, one of them not ASCII (Chinese): one of a key's pieces."""
    return len(query) == 2 and not query.isascii()


def substring_patterns(query: str) -> list[str]:
    """What a key must contain, one of them, for the normalised query to be inside one of its
    names' forms, each a pattern a trigram index serves; empty when there is none.

    - Three characters or more: the query itself.
    - Two, one of them Chinese: its piece (``"Ｐ通号Ｐ"``).
    - One Chinese character: a piece that starts or ends with it, or a name of that one
      character (every other name holding it has a piece with it).
    - One or two Latin letters or digits: none. The index can do nothing with them, and a
      rare one is looked for in every key: the search box's "anywhere" tier took 263 ms at
      200,000 partners for ``x9`` (docs/BENCHMARKS.md, tenth round); the search box then
      finds such a query at the start of a name, its pinyin or its initials only."""
    if len(query) >= 3:
        return [query]
    if _is_piece(query):
        return [f"{PAIR_MARK}{query}{PAIR_MARK}"]
    if len(query) == 1 and not query.isascii():
        return [f" {PAIR_MARK}{query}", f"{query}{PAIR_MARK} ", f" {query} "]
    return []
