"""Features of a post, one definition for training and for the lean inference path.

A post becomes a bag of named features:

* ``w:<token>``: each token (word, emoticon, emoji, ``!``, ``?``);
* ``b:<token> <token>``: each pair of adjacent tokens;
* ``k:...``: cues, a fixed set of binary features (:data:`CUE_FEATURES`): threat
  phrases by type (``k:threat:media``) and negated ones (``k:negthreat:churn``),
  VADER lexicon valence of words (``k:lex+``, ``k:lex--``), a question mark, an
  opening question word, shouting, an exclamation.

The first two kinds are weighted by TF-IDF (what scikit-learn's
``TfidfVectorizer`` fits on, via :func:`analyze`); cues are appended as 0/1
columns outside the TF-IDF normalisation, so a threat phrase weighs the same in a
long post as in a short one (:func:`cue_features`). :class:`FeatureIndexer` maps
posts straight to column indices: every raw piece of text is folded once and
cached as token ids, and the columns of a whole batch are then found with a few
numpy operations, which is what makes scoring cheaper than a lexicon lookup.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise

from .cues import CONTEXTS, Cue, find_threat_cues
from .text import normalize_many

__all__ = [
    "CUE_FEATURES",
    "Prepared",
    "analyze",
    "analyze_cues",
    "cue_features",
    "threat_features",
    "pair_features",
    "prepare",
    "prepare_many",
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


def threat_features(cues: Sequence[Cue]) -> set[str]:
    """The threat cue features (``k:threat*``, ``k:negthreat:*``, ``k:grp:*``, ``k:ctx:*``) of found cues."""
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
    return out


def cue_features(post: Prepared, valence: bool = True) -> set[str]:
    """The binary cue features (a subset of :data:`CUE_FEATURES`) of one post
    (without the lexicon valence ones when ``valence`` is false)."""
    out = threat_features(post.cues)
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

    >>> analyze("Call the NEWS")
    ['w:call', 'w:the', 'w:news', 'b:call the', 'b:the news']
    """
    tokens = prepare(text).tokens
    features = ["w:" + token for token in tokens]
    features.extend(pair_features(tokens))
    return features


def analyze_cues(text: str) -> list[str]:
    """The cue feature names of one post (the analyzer of the binary cue block).

    >>> analyze_cues("I'm calling the NEWS!")
    ['k:ctx:intent', 'k:ctx:outside:intent', 'k:excl', 'k:grp:outside', 'k:shout', 'k:threat', 'k:threat:media']
    """
    return sorted(cue_features(prepare(text)))
