"""Features of a post, one definition for training and for the lean inference path.

A post becomes a bag of named features:

* ``w:<token>``: each token (word, emoticon, emoji, ``!``, ``?``);
* ``b:<token> <token>``: each pair of adjacent tokens;
* ``c:<chars>``: character 3- to 5-grams of each word, padded with spaces, which
  carry misspellings, inflections and hashtags run together;
* ``k:...``: cues, a fixed set of binary features (:data:`CUE_FEATURES`): threat
  phrases by type (``k:threat:media``) and negated ones (``k:negthreat:churn``),
  VADER lexicon valence of words (``k:lex+``, ``k:lex--``), a question mark, an
  opening question word, shouting, an exclamation.

The first three kinds are weighted by TF-IDF (what scikit-learn's
``TfidfVectorizer`` fits on, via :func:`analyze`); cues are appended as 0/1
columns outside the TF-IDF normalisation, so a threat phrase weighs the same in a
long post as in a short one (:func:`cue_features`). :class:`FeatureIndexer` maps
posts straight to column indices, caching the per-token part, which is what
makes one-post scoring cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from itertools import pairwise

from .cues import CONTEXTS, Cue, find_threat_cues
from .text import normalize, shout_count, tokenize

__all__ = [
    "CUE_FEATURES",
    "FeatureIndexer",
    "analyze",
    "analyze_cues",
    "cue_features",
    "pair_features",
    "prepare",
    "token_features",
]

_QUESTION_WORDS = frozenset(
    [
        "what",
        "when",
        "where",
        "why",
        "how",
        "who",
        "which",
        "can",
        "could",
        "would",
        "will",
        "is",
        "are",
        "do",
        "does",
        "did",
        "should",
        "may",
        "any",
        "anyone",
        "anybody",
        "please",
        "pls",
        "plz",
        "help",
        "need",
    ]
)
_PLACEHOLDERS = frozenset({"_url_", "_user_", "_num_"})
_CACHE_LIMIT = 200_000
_TYPES = ("media", "legal", "regulator", "financial", "public", "churn", "internal")
# Threat types that behave alike share context features, so that the rare ones
# (a few dozen real examples between them) borrow strength from each other.
_GROUP_OF = {
    "media": "outside",
    "legal": "outside",
    "regulator": "outside",
    "financial": "outside",
    "public": "public",
    "churn": "leave",
    "internal": "internal",
}
_GROUPS = ("outside", "public", "leave", "internal")
#: The fixed, ordered set of binary cue columns.
CUE_FEATURES: tuple[str, ...] = (
    "k:threat",
    *(f"k:threat:{t}" for t in _TYPES),
    *(f"k:negthreat:{t}" for t in _TYPES),
    *(f"k:grp:{g}" for g in _GROUPS),
    *(f"k:ctx:{c}" for c in CONTEXTS),
    *(f"k:ctx:{g}:{c}" for g in _GROUPS for c in CONTEXTS),
    "k:lex+",
    "k:lex++",
    "k:lex-",
    "k:lex--",
    "k:qmark",
    "k:qstart",
    "k:excl",
    "k:shout",
)


@functools.cache
def _lexicon() -> dict[str, float]:
    """VADER's valence lexicon (MIT licence, C.J. Hutto), shipped in the package."""
    text = resources.files("socialcare.resources").joinpath("vader_lexicon.txt").read_text("utf-8")
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            lexicon[parts[0].lower()] = float(parts[1])
    return lexicon


def token_features(token: str) -> list[str]:
    """Features that depend on one token only (so they can be cached per token)."""
    features = ["w:" + token]
    if token.isalpha() and len(token) >= 3:
        padded = f" {token} "
        for n in (3, 4, 5):
            features.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return features


def _valence_feature(token: str) -> str | None:
    valence = _lexicon().get(token)
    if valence is None:
        return None
    if valence >= 2.0:
        return "k:lex++"
    if valence > 0:
        return "k:lex+"
    if valence <= -2.0:
        return "k:lex--"
    return "k:lex-" if valence < 0 else None


def prepare(text: str) -> tuple[str, list[str], list[Cue]]:
    """Normalise, tokenise and find threat cues: the shared first step."""
    normalized = normalize(text)
    return normalized, tokenize(normalized), find_threat_cues(normalized)


def pair_features(tokens: list[str]) -> list[str]:
    """Features of adjacent token pairs."""
    return [f"b:{a} {b}" for a, b in pairwise(tokens)]


def cue_features(text: str, normalized: str, tokens: list[str], cues: list[Cue]) -> set[str]:
    """The binary cue features (a subset of :data:`CUE_FEATURES`) of one post."""
    out: set[str] = set()
    for cue in cues:
        if cue.negated:
            out.add("k:negthreat:" + cue.type)
            continue
        out.add("k:threat:" + cue.type)
        out.add("k:threat")
        group = _GROUP_OF[cue.type]
        out.add("k:grp:" + group)
        for context in cue.context:
            out.add("k:ctx:" + context)
            out.add(f"k:ctx:{group}:{context}")
    for token in tokens:
        valence = _valence_feature(token)
        if valence is not None:
            out.add(valence)
    if "?" in tokens:
        out.add("k:qmark")
    first = next((t for t in tokens if t not in _PLACEHOLDERS), None)
    if first in _QUESTION_WORDS:
        out.add("k:qstart")
    if "!" in tokens:
        out.add("k:excl")
    if shout_count(text):
        out.add("k:shout")
    return out


def analyze(text: str) -> list[str]:
    """The TF-IDF feature names of one post, with repeats (the analyzer used in training).

    >>> [f for f in analyze("Call the NEWS") if not f.startswith("c:")]
    ['w:call', 'w:the', 'w:news', 'b:call the', 'b:the news']
    """
    _, tokens, _ = prepare(text)
    features: list[str] = []
    for token in tokens:
        features.extend(token_features(token))
    features.extend(pair_features(tokens))
    return features


def analyze_cues(text: str) -> list[str]:
    """The cue feature names of one post (the analyzer of the binary cue block).

    >>> analyze_cues("I'm calling the NEWS!")
    ['k:ctx:intent', 'k:ctx:outside:intent', 'k:excl', 'k:grp:outside', 'k:shout', 'k:threat', 'k:threat:media']
    """
    normalized, tokens, cues = prepare(text)
    return sorted(cue_features(text, normalized, tokens, cues))


class FeatureIndexer:
    """Maps posts to vocabulary indices without building feature strings twice.

    The per-token part of :func:`analyze` is cached as index tuples (words repeat,
    so most tokens are looked up once). The cache is bounded and only ever
    grows by whole entries, so sharing one indexer between threads is safe.
    """

    def __init__(self, vocabulary: Mapping[str, int], cue_offset: int) -> None:
        self.vocabulary = vocabulary
        self.cue_index = {name: cue_offset + i for i, name in enumerate(CUE_FEATURES)}
        self._token_cache: dict[str, tuple[int, ...]] = {}

    def indices(self, text: str) -> tuple[list[int], list[int], list[Cue]]:
        """Column indices of the TF-IDF features of ``text`` (with repeats), of its
        cue features, and its threat cues."""
        normalized, tokens, cues = prepare(text)
        vocabulary = self.vocabulary
        cache = self._token_cache
        out: list[int] = []
        for token in tokens:
            cached = cache.get(token)
            if cached is None:
                cached = tuple(vocabulary[f] for f in token_features(token) if f in vocabulary)
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[token] = cached
            out.extend(cached)
        for feature in pair_features(tokens):
            index = vocabulary.get(feature)
            if index is not None:
                out.append(index)
        cue_index = self.cue_index
        flags = [cue_index[f] for f in cue_features(text, normalized, tokens, cues)]
        return out, flags, cues
