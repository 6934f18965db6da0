"""Features of a post, one definition for training and for the lean inference path.

A post becomes a bag of named features:

* ``w:<token>``: each token (word, emoticon, emoji, ``!``, ``?``);
* ``b:<token> <token>``: each pair of adjacent tokens;
* ``c:<chars>``: character 4-grams of each word of three or more letters, padded
  with spaces, which carry misspellings, inflections and hashtags run together;
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise

from .cues import CONTEXTS, Cue, find_threat_cues
from .text import normalize_many

__all__ = [
    "CUE_FEATURES",
    "FeatureIndexer",
    "Prepared",
    "analyze",
    "analyze_cues",
    "cue_features",
    "pair_features",
    "prepare",
    "prepare_many",
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
# Character 4-grams only: on gold cross-validation they scored as well as 3- to 5-grams
# (and as no character n-grams at all) while keeping some robustness to misspellings,
# at a third of the columns per post.
_CHAR_NGRAMS = (4,)
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
        for n in _CHAR_NGRAMS:
            features.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
    return features


@functools.cache
def _valence_features() -> dict[str, str]:
    """Token -> its valence feature, for the tokens of the lexicon."""
    out = {}
    for token, valence in _lexicon().items():
        if valence >= 2.0:
            out[token] = "k:lex++"
        elif valence > 0:
            out[token] = "k:lex+"
        elif valence <= -2.0:
            out[token] = "k:lex--"
        elif valence < 0:
            out[token] = "k:lex-"
    return out


@dataclass(frozen=True, slots=True)
class Prepared:
    """A post after the shared first step: normalised text, tokens, threat cues, shouting."""

    normalized: str
    tokens: list[str]
    cues: list[Cue]
    shout: bool


def prepare_many(texts: Sequence[str]) -> list[Prepared]:
    """Normalise, tokenise and find threat cues for many posts at once."""
    normalized, shouting = normalize_many(texts)
    out = []
    for norm, shout in zip(normalized, shouting):
        tokens = norm.split()
        out.append(Prepared(norm, tokens, find_threat_cues(norm, tokens), shout))
    return out


def prepare(text: str) -> Prepared:
    """Normalise, tokenise and find threat cues: the shared first step."""
    return prepare_many([text])[0]


def pair_features(tokens: list[str]) -> list[str]:
    """Features of adjacent token pairs."""
    return [f"b:{a} {b}" for a, b in pairwise(tokens)]


def cue_features(post: Prepared, valence: bool = True) -> set[str]:
    """The binary cue features (a subset of :data:`CUE_FEATURES`) of one post
    (without the lexicon valence ones when ``valence`` is false)."""
    out: set[str] = set()
    for cue in post.cues:
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
    tokens = post.tokens
    if valence:
        lexicon = _valence_features()
        for token in tokens:
            feature = lexicon.get(token)
            if feature is not None:
                out.add(feature)
    if "?" in tokens:
        out.add("k:qmark")
    for token in tokens:
        if token not in _PLACEHOLDERS:
            if token in _QUESTION_WORDS:
                out.add("k:qstart")
            break
    if "!" in tokens:
        out.add("k:excl")
    if post.shout:
        out.add("k:shout")
    return out


def analyze(text: str) -> list[str]:
    """The TF-IDF feature names of one post, with repeats (the analyzer used in training).

    >>> [f for f in analyze("Call the NEWS") if not f.startswith("c:")]
    ['w:call', 'w:the', 'w:news', 'b:call the', 'b:the news']
    """
    tokens = prepare(text).tokens
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
    return sorted(cue_features(prepare(text)))


class FeatureIndexer:
    """Maps posts to vocabulary indices without building feature strings twice.

    The per-token part of :func:`analyze` is cached as index tuples (words repeat,
    so most tokens are looked up once). The cache is bounded and only ever
    grows by whole entries, so sharing one indexer between threads is safe.
    """

    def __init__(self, vocabulary: Mapping[str, int], cue_offset: int) -> None:
        self.vocabulary = vocabulary
        self.cue_index = {name: cue_offset + i for i, name in enumerate(CUE_FEATURES)}
        self._token_cache: dict[str, tuple[tuple[int, ...], int]] = {}
        self._valence_index = {t: self.cue_index[f] for t, f in _valence_features().items()}

    def indices_many(self, texts: Sequence[str]) -> list[tuple[set[int], list[int], list[Cue]]]:
        """For each post: the set of its TF-IDF feature columns (term frequency is
        binary), its cue feature columns, and its threat cues."""
        vocabulary = self.vocabulary
        cache = self._token_cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cue_index = self.cue_index
        valence_index = self._valence_index
        results = []
        for post in prepare_many(texts):
            tokens = post.tokens
            out: list[int] = []
            valences: set[int] = set()
            for token in tokens:
                cached = cache.get(token)
                if cached is None:
                    columns = tuple(vocabulary[f] for f in token_features(token) if f in vocabulary)
                    cached = cache[token] = (columns, valence_index.get(token, -1))
                out.extend(cached[0])
                if cached[1] >= 0:
                    valences.add(cached[1])
            for feature in pair_features(tokens):
                index = vocabulary.get(feature)
                if index is not None:
                    out.append(index)
            flags = [cue_index[f] for f in cue_features(post, valence=False)]
            flags.extend(valences)
            results.append((set(out), flags, post.cues))
        return results

    def indices(self, text: str) -> tuple[set[int], list[int], list[Cue]]:
        """The indices and cues of one post (see :meth:`indices_many`)."""
        return self.indices_many([text])[0]
