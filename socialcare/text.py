"""Text normalisation and tokenising, shared by training and inference.

:func:`normalize` folds what people (and evaders) do to text so that one pattern
matches all spellings: Unicode compatibility forms (full-width, math letters),
look-alike letters from other scripts, zero-width and bidi controls, HTML
entities, common leetspeak inside words (``n3ws``, ``l@wyer``), elongation
(``soooo``) and case. URLs, user handles and numbers become placeholder tokens.
:func:`tokenize` splits the normalised text into words, emoticons, emoji and
``!``/``?`` marks.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["normalize", "shout_count", "tokenize"]

# Zero-width, joiner, bidi-control and soft-hyphen characters: removed outright.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF],
    None,
)
# Letters from other scripts that look like Latin ones (a subset of Unicode's
# confusables that covers what is seen in practice), plus typographic punctuation.
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɡ": "g",
        "ı": "i",
        "ℓ": "l",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "У": "Y",
        "Х": "X",
        "І": "I",
        "Ј": "J",
        "Ѕ": "S",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
        "Ζ": "Z",
        "‘": "'",
        "’": "'",
        "‛": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "…": "...",
    }
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|net|org|ly|co|io)/\S*", re.I)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_HASHTAG = re.compile(r"(?<!\w)#(?=\w)")
# Leetspeak only where a digit or symbol sits between two letters (n3ws, l@wyer),
# so flight numbers, "a380", "3rd" and "24hrs" stay as they are.
_LEET_MAP = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET = re.compile(r"(?<=[a-z])[013457@$]+(?=[a-z])")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_PUNCT_RUN = re.compile(r"([!?.])\1{2,}")
_SPACES = re.compile(r"\s+")
_SHOUT = re.compile(r"\b[A-Z]{3,}\b")

_EMOTICON = r"(?:[<>]?[:;=8][\-o*']?[)\](\[dp/:}{@|\\]|[)\](\[dp/:}{@|\\][\-o*']?[:;=8][<>]?|<3|\^_?\^|-_+-)"
_EMOJI = r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]"
_TOKEN = re.compile(
    rf"_url_|_user_|_num_|{_EMOTICON}|[a-z]+(?:'[a-z]+)*|{_EMOJI}|[!?]",
)


def normalize(text: str) -> str:
    """Return the folded, lower-cased form of ``text`` used for every feature.

    >>> normalize("Sooo ANGRY!!!! c@ll the n3ws @Delta https://t.co/x 3 times")
    'soo angry!!! call the news _user_ _url_ _num_ times'
    """
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_CONFUSABLES)
    text = _URL.sub(" _url_ ", text)
    text = _HANDLE.sub(" _user_ ", text)
    text = _HASHTAG.sub("", text).lower()
    if any(c in text for c in "013457@$"):
        text = _LEET.sub(lambda m: m.group().translate(_LEET_MAP), text)
        text = _NUMBER.sub(" _num_ ", text)
    text = _ELONGATION.sub(r"\1\1", text)
    text = _PUNCT_RUN.sub(r"\1\1\1", text)
    return _SPACES.sub(" ", text).strip()


def tokenize(normalized: str) -> list[str]:
    """Split normalised text into tokens.

    >>> tokenize(normalize("Don't LOSE my bag again :( 😡!!"))
    ["don't", 'lose', 'my', 'bag', 'again', ':(', '😡', '!', '!']
    """
    return _TOKEN.findall(normalized)


def shout_count(text: str) -> int:
    """Number of all-caps words of three or more letters in the raw text."""
    return len(_SHOUT.findall(text))
