"""Text normalisation and tokenising, shared by training and inference.

:func:`normalize_many` folds what people (and evaders) do to text so that one
pattern matches all spellings: Unicode compatibility forms (full-width, math
letters), look-alike letters from other scripts, zero-width and bidi controls,
HTML entities, common leetspeak inside words (``n3ws``, ``l@wyer``), letters spaced
out (``s u e``), elongation
(``soooo``) and case. URLs, user handles and numbers become the placeholder
tokens ``_url_``, ``_user_`` and ``_num_``; emoticons become ``_smile_``,
``_frown_`` and friends; punctuation marks and emoji stand apart as tokens. The
result is a string of tokens separated by single spaces, so tokenising is
``str.split``.

Most rules run once per distinct whitespace-separated piece of text and are
cached, so a post costs little more than a split and a few dictionary lookups.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

__all__ = ["normalize", "normalize_many", "tokenize", "unspace"]

# Zero-width, joiner, bidi-control and soft-hyphen characters: removed outright.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF],
    None,
)
# Letters from other scripts that look like Latin ones (the part of Unicode's
# confusables seen in practice), typographic punctuation, and line separators.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ı": "i", "ℓ": "l",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I",
        "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "Ζ": "Z", "‘": "'", "’": "'", "‛": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"',
        "”": '"', "„": '"', "–": "-", "—": "-", "…": "...",
        "\u2028": " ", "\u2029": " ", "\u0085": " ", "\x0b": " ", "\x0c": " ", "\x1c": " ",
        "\x1d": " ", "\x1e": " ",
    }
)  # fmt: skip
# Any character that _INVISIBLE or _CONFUSABLES changes (checked before translating:
# most non-ASCII posts hold only emoji, and a search is cheaper than a translation).
_NEEDS_TRANSLATE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted({*_INVISIBLE, *_CONFUSABLES})) + "]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
# Leetspeak only where a digit or symbol sits between two letters (n3ws, l@wyer),
# so flight numbers, "a380", "3rd" and "24hrs" stay numbers.
_LEET_MAP = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET = re.compile(r"(?<=[a-z])[013457@$]+(?=[a-z])")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
# Three or more single letters in a row, one space apart ("s u e"; any script's letters, so
# full-width ones too); a wider gap ends the word, so "n e v e r  f l y" is two words.
_INVISIBLE_CLASS = "".join(re.escape(chr(c)) for c in _INVISIBLE)
_SPACED = re.compile(rf"(?<![\w'{_INVISIBLE_CLASS}])(?:[^\W\d_] ){{2,}}[^\W\d_](?![\w'{_INVISIBLE_CLASS}])")
_SPACED_HINT = re.compile(r" . . ")  # every run of spaced letters, padded with spaces, holds this
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_PUNCT_RUN = re.compile(r"([!?.])\1{2,}")
_EMOTICONS = {
    "_wink_": r";-?\)",
    "_smile_": r"[:=8]-?[)\]d]+|\(+-?[:;=]|\^_?\^|:-?3",
    "_frown_": r"[:;=8]'?-?[(\[]+|[)\]]+-?[:;=8]|:-?/(?!/)|>:-?\(",
    "_tongue_": r"[:;=8]-?p",
    "_heart_": r"<3+",
}
# An emoticon is a token of its own or ends one ("great:)").
_EMOTICON = re.compile("(?:^|(?<=[a-z!?.]))(?:" + "|".join(f"(?P<{n[1:-1]}>{p})" for n, p in _EMOTICONS.items()) + ")$")
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff"
# Marks that stand as tokens of their own; anything else that is not part of a
# word, a placeholder or an emoji becomes a space.
_MARKS = re.compile(rf"([!?.,;:]|[{_EMOJI}])")
_OTHER = re.compile(rf"[^a-z0-9_' !?.,;:{_EMOJI}]+")
_LOOSE_QUOTE = re.compile(r"(?<![a-z])'|'(?![a-z])")
_PLACEHOLDERS = frozenset({"_url_", "_user_"})
# A piece that only the hashtag, elongation and punctuation-run rules can change.
_SIMPLE = re.compile(r"(#*)([A-Za-z]+)([!?.,;:]*)")
_CACHE_LIMIT = 300_000
_piece_cache: dict[str, tuple[str, bool]] = {}


def _fold_token(raw: str) -> tuple[str, bool]:
    """Fold one whitespace-separated piece of a post: its normalised tokens (joined
    by spaces) and whether it shouts (three or more capital letters, no small ones)."""
    if raw in _PLACEHOLDERS:
        return raw, False
    simple = _SIMPLE.fullmatch(raw)
    if simple:  # the common case (a word, maybe a hashtag, maybe with marks), without the other rules
        word, marks = simple.group(2), simple.group(3)
        shout = len(word) >= 3 and word.isupper()
        word = word.lower()
        if _ELONGATION.search(word):
            word = _unstretch(word)
        if marks:
            word = " ".join((word, *_PUNCT_RUN.sub(r"\1\1\1", marks)))
        return word, shout
    letters = [c for c in raw if c.isalpha()]
    shout = len(letters) >= 3 and all(c.isupper() for c in letters)
    token = raw.replace("#", " ").lower()
    emoticon = _EMOTICON.search(token)
    tail = ""
    if emoticon:
        token, tail = token[: emoticon.start()], f" _{emoticon.lastgroup}_"
    token = _LEET.sub(lambda m: m.group().translate(_LEET_MAP), token)
    token = _NUMBER.sub(" _num_ ", token)
    token = " ".join(_unstretch(t) for t in token.split(" ")) if _ELONGATION.search(token) else token
    token = _PUNCT_RUN.sub(r"\1\1\1", token)
    token = _OTHER.sub(" ", token)
    token = _LOOSE_QUOTE.sub(" ", token)
    token = _MARKS.sub(r" \1 ", token)
    return " ".join((token + tail).split()), shout


def _unstretch(word: str) -> str:
    """Elongation: a letter repeated three or more times becomes two ("soooo" -> "soo"), or one
    when that spells a word of the threat rules ("NEEEEWS" -> "news", "wiiith" -> "with")."""
    if not _ELONGATION.search(word):
        return word
    from .cues import PATTERN_WORDS, triggered_patterns

    single = _ELONGATION.sub(r"\1", word)
    if single in PATTERN_WORDS or triggered_patterns(single):
        return single
    return _ELONGATION.sub(r"\1\1", word)


def _prefold(text: str) -> str:
    """Fold Unicode and HTML entities; replace URLs and handles by placeholders."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if _NEEDS_TRANSLATE.search(text):
            text = text.translate(_INVISIBLE).translate(_CONFUSABLES)
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(" _url_ ", text)
    if "@" in text:
        text = _HANDLE.sub(" _user_ ", text)
    return text


def normalize_many(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """Normalise many posts at once.

    Returns the normalised posts (tokens separated by single spaces) and, for each,
    whether the raw post shouts (a word of three or more capital letters).

    >>> normalize_many(["Sooo ANGRY!!!!", "c@ll the n3ws :("])
    (['soo angry ! ! !', 'call the news _frown_'], [True, False])
    """
    normalized: list[str] = []
    shouting: list[bool] = []
    for text in texts:
        parts = []
        shout = False
        for raw in unspace(text).split():
            folded = fold_piece(raw)
            if folded[0]:
                parts.append(folded[0])
            shout = shout or folded[1]
        normalized.append(" ".join(parts))
        shouting.append(shout)
    return normalized, shouting


def unspace(text: str) -> str:
    """Join letters spaced out to dodge filters: three or more single letters in a row, one
    space apart, become one word ("s u e" -> "sue", "N E W S!" -> "NEWS!"); two or more
    spaces separate words ("n e v e r  f l y" -> "never fly").

    >>> unspace("I will s u e you and call the N E W S")
    'I will sue you and call the NEWS'
    """
    if not _SPACED_HINT.search(f" {text} "):  # the common case, found by a much cheaper scan
        return text
    return _SPACED.sub(_join_spaced, text)


def _join_spaced(match: re.Match[str]) -> str:
    return "".join(match.group().split())


def fold_piece(raw: str) -> tuple[str, bool]:
    """Fold one whitespace-free piece of a raw post: its normalised tokens (joined by
    spaces, possibly none) and whether it shouts. Every rule of :func:`normalize_many`
    acts within such a piece (entities, Unicode forms, URLs and handles never span
    whitespace), so a post is the pieces of its ``str.split()``, folded one by one.
    Cached; the cache is bounded (emptied when full).
    """
    folded = _piece_cache.get(raw)
    if folded is None:
        if len(_piece_cache) > _CACHE_LIMIT:
            _piece_cache.clear()
        folded = _piece_cache[raw] = fold_piece_uncached(raw)
    return folded


def fold_piece_uncached(raw: str) -> tuple[str, bool]:
    """:func:`fold_piece` without its cache (for callers that keep their own)."""
    pre = _prefold(raw)
    if pre == raw:
        return _fold_token(raw)
    parts = [_fold_token(p) for p in pre.split()]
    return " ".join(f for f, _ in parts if f), any(s for _, s in parts)


def normalize(text: str) -> str:
    """The normalised form of one post (see :func:`normalize_many`).

    >>> normalize("Sooo ANGRY!!!! c@ll the n3ws @Delta https://t.co/x 3 times")
    'soo angry ! ! ! call the news _user_ _url_ _num_ times'
    """
    return normalize_many([text])[0][0]


def tokenize(normalized: str) -> list[str]:
    """Split normalised text into tokens.

    >>> tokenize(normalize("Don't LOSE my bag again :( 😡!!"))
    ["don't", 'lose', 'my', 'bag', 'again', '_frown_', '😡', '!', '!']
    """
    return normalized.split()
