"""Posts to feature columns, fast: the first half of the lean inference path.

:class:`FeatureIndexer` gives the same columns as :func:`socialcare.features.analyze`
and :func:`socialcare.features.analyze_cues` (the training analyzers), without
building a feature string per post:

* every whitespace-separated raw piece of a post is folded once
  (:mod:`socialcare.text`) and cached as a tuple of token ids, together with
  whether it shouts and whether it holds a threat trigger word;
* a token id indexes precomputed arrays: its word column, its lexicon valence
  column, whether it is ``?`` or ``!``, a question word or a placeholder; a pair of
  adjacent ids is looked up in a sorted array of the vocabulary's word pairs;
* for a batch, all of that is a handful of numpy operations; only posts holding a
  trigger word go through the threat rules of :mod:`socialcare.cues`.

Tokens outside the vocabulary all share one id: they have no column of their
own, and no vocabulary pair contains them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np

from .cues import Cue, match_threat_cues, triggered_patterns
from .features import _PLACEHOLDERS, _QUESTION_WORDS, CUE_FEATURES, _valence_features, threat_features
from .text import fold_piece_uncached, unspace

__all__ = ["BatchColumns", "FeatureIndexer"]

_PIECE_LIMIT = 60_000  # per generation; two generations at most
# Joins the posts of a batch, so the whole batch is split and looked up at once. A post
# may hold this piece itself (it folds to nothing); the batch then takes the slower
# one-post-at-a-time path, which ignores it.
_SEPARATOR = "\x00"
# A piece that is only a handle, a link or a number folds to one placeholder token.
_PLAIN = re.compile(r"(@\w+)|((?:https?://|www\.)\S+)|(\d+)", re.IGNORECASE)
# Pieces that are a handle, a link or a number (with trailing marks): folded when seen, not cached.
_ONE_OFF = re.compile(r"(?:@\w+|(?:https?://|www\.)\S+|[#$€£]?\d[\d.,:/%-]*)[!?.,;:)]*", re.IGNORECASE)
_CUE_POSITION = {name: i for i, name in enumerate(CUE_FEATURES)}


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values of ``keys``, sorted."""
    keys = np.sort(keys)
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


@dataclass(frozen=True, slots=True)
class BatchColumns:
    """The present columns of a batch of posts, as parallel arrays sorted by row.

    ``text_rows``/``text_cols``: TF-IDF columns (each present once per post);
    ``cue_rows``/``cue_cols``: cue columns (absolute column numbers);
    ``cues``: the threat cues found in each post.
    """

    n: int
    text_rows: np.ndarray
    text_cols: np.ndarray
    cue_rows: np.ndarray
    cue_cols: np.ndarray
    cues: list[list[Cue]]


class _Pieces:
    """The cache of folded raw pieces.

    ``ids`` maps a raw piece to its token ids, followed by the marker ids
    :data:`SHOUT` and/or :data:`TRIGGER` (relative to the indexer's ``base``) when the
    piece shouts or holds a threat trigger word; ``folded`` to its normalised text;
    ``patterns`` (trigger pieces only) to the threat patterns it may start.
    """

    __slots__ = ("folded", "ids", "older", "patterns")

    def __init__(self, separator: tuple[int, ...], older: _Pieces | None = None) -> None:
        self.ids: dict[str, tuple[int, ...]] = {_SEPARATOR: separator}
        self.folded: dict[str, str] = {_SEPARATOR: ""}
        self.patterns: dict[str, frozenset[int]] = {}
        # The previous generation: pieces still in use are carried over from it, so a full
        # cache forgets what is rare, not what is common.
        self.older = older


class FeatureIndexer:
    """Maps posts to the model's column indices.

    Safe to share between threads: the piece cache only ever gains whole entries
    (an entry's folded text and patterns are stored before its ids), and when it is
    full it is replaced by a new one (which carries over the pieces still in use from
    the full one) rather than emptied in place.
    """

    def __init__(self, terms: Sequence[str], cue_offset: int) -> None:
        """``terms``: the TF-IDF feature names in column order (``len(terms) == cue_offset``)."""
        if len(terms) != cue_offset:
            raise ValueError(f"{len(terms)} TF-IDF terms for {cue_offset} TF-IDF columns")
        self.cue_offset = cue_offset
        self.n_text = cue_offset
        terms = list(terms)
        columns = np.arange(len(terms), dtype=np.int64)
        is_word = [t.startswith("w:") for t in terms]
        word_terms = [t[2:] for t, w in zip(terms, is_word, strict=True) if w]
        pair_terms = [t for t, w in zip(terms, is_word, strict=True) if not w]
        bad = [t for t in pair_terms if not t.startswith("b:") or t.count(" ") != 1]
        if bad:
            raise ValueError(f"vocabulary term {bad[0]!r} is not a word (w:) or word-pair (b:) feature")
        # One join and one split instead of a list per pair: much faster for ~10^5 pairs.
        halves = " ".join(t[2:] for t in pair_terms).split(" ") if pair_terms else []
        firsts, seconds = halves[0::2], halves[1::2]
        valence = _valence_features()
        ordered = dict.fromkeys(chain(word_terms, firsts, seconds, valence, _QUESTION_WORDS, _PLACEHOLDERS, "?!"))
        tokens = {t: i for i, t in enumerate(ordered)}
        self._tokens = tokens
        self.unknown = len(tokens)  # the shared id of every other token
        base = self._base = self.unknown + 1

        mask = np.array(is_word, dtype=bool)
        word_col = np.full(base, -1, dtype=np.int64)
        word_col[np.fromiter(map(tokens.__getitem__, word_terms), dtype=np.int64, count=len(word_terms))] = columns[
            mask
        ]
        first_ids = np.fromiter(map(tokens.__getitem__, firsts), dtype=np.int64, count=len(firsts))
        second_ids = np.fromiter(map(tokens.__getitem__, seconds), dtype=np.int64, count=len(seconds))
        pair_columns = columns[~mask]
        valence_col = np.full(base, -1, dtype=np.int64)
        for token, feature in valence.items():
            valence_col[tokens[token]] = cue_offset + _CUE_POSITION[feature]
        mark_col = np.full(base, -1, dtype=np.int64)
        mark_col[tokens["?"]] = cue_offset + _CUE_POSITION["k:qmark"]
        mark_col[tokens["!"]] = cue_offset + _CUE_POSITION["k:excl"]
        is_placeholder = np.zeros(base, dtype=bool)
        is_placeholder[[tokens[t] for t in _PLACEHOLDERS]] = True
        is_question_word = np.zeros(base, dtype=bool)
        is_question_word[[tokens[t] for t in _QUESTION_WORDS]] = True
        self._word_col, self._valence_col, self._mark_col = word_col, valence_col, mark_col
        self._is_placeholder, self._is_question_word = is_placeholder, is_question_word
        # Python lists of the same, for the one-post path (scalar access to lists is faster).
        self._word_list = word_col.tolist()
        self._valence_list = valence_col.tolist()
        self._mark_list = mark_col.tolist()
        self._placeholder_list = is_placeholder.tolist()
        self._question_word_list = is_question_word.tolist()

        keys = first_ids * base + second_ids
        order = np.argsort(keys, kind="stable")
        self._pair_keys, self._pair_cols = keys[order], pair_columns[order]
        self._opens_pair = np.zeros(base, dtype=bool)
        self._opens_pair[first_ids] = True
        self._closes_pair = np.zeros(base, dtype=bool)
        self._closes_pair[second_ids] = True
        self._pair_index: dict[int, int] | None = None  # built on the first one-post call
        self._shout_id, self._trigger_id, self._separator_id = base, base + 1, base + 2
        self._pieces = _Pieces((self._separator_id,))
        self._shout_col = cue_offset + _CUE_POSITION["k:shout"]
        self._qstart_col = cue_offset + _CUE_POSITION["k:qstart"]

    # -- the piece cache -------------------------------------------------------------
    def _state(self) -> _Pieces:
        pieces = self._pieces
        if len(pieces.ids) > _PIECE_LIMIT:
            pieces.older = None
            pieces = self._pieces = _Pieces((self._separator_id,), older=pieces)
        return pieces

    def _carry(self, raw: str, pieces: _Pieces) -> tuple[int, ...]:
        """A piece from the previous cache generation if it is there, else :meth:`_add`."""
        older = pieces.older
        if older is not None:
            marked = older.ids.get(raw)
            if marked is not None:
                pieces.folded[raw] = older.folded[raw]
                if raw in older.patterns:
                    pieces.patterns[raw] = older.patterns[raw]
                pieces.ids[raw] = marked
                return marked
        return self._add(raw, pieces)

    def _add(self, raw: str, pieces: _Pieces) -> tuple[int, ...]:
        plain = _PLAIN.fullmatch(raw)
        if plain:  # a bare handle, link or number: its one placeholder token (same as folding it)
            token = "_user_" if plain.group(1) else "_url_" if plain.group(2) else "_num_"
            return (self._tokens[token],)
        folded, shout = fold_piece_uncached(raw)
        tokens = folded.split()
        unknown = self.unknown
        ids = [self._tokens.get(t, unknown) for t in tokens]
        if shout:
            ids.append(self._shout_id)
        patterns = frozenset().union(*map(triggered_patterns, tokens))
        if patterns:
            ids.append(self._trigger_id)
            pieces.patterns[raw] = patterns
        marked = tuple(ids)
        if _ONE_OFF.fullmatch(raw) and not patterns:
            return marked  # handles, links and numbers rarely repeat: not worth a cache entry
        pieces.folded[raw] = folded
        pieces.ids[raw] = marked  # last: a piece with ids is complete
        return marked

    def _lookup(self, raw: list[str], pieces: _Pieces) -> list[tuple[int, ...]]:
        """The marked ids of each raw piece, folding the pieces not seen before."""
        try:
            return list(map(pieces.ids.__getitem__, raw))
        except KeyError:
            pass
        fresh = {piece: self._carry(piece, pieces) for piece in set(raw).difference(pieces.ids)}
        get = pieces.ids.get
        return [ids if (ids := get(r)) is not None else fresh[r] for r in raw]

    @staticmethod
    def _threats(raw: list[str], pieces: _Pieces) -> list[Cue]:
        folded = pieces.folded
        try:
            normalized = " ".join(filter(None, map(folded.__getitem__, raw)))
        except KeyError:  # a piece left out of the cache (a handle, link or number)
            normalized = " ".join(filter(None, (folded[r] if r in folded else fold_piece_uncached(r)[0] for r in raw)))
        patterns = pieces.patterns
        wanted = frozenset().union(*(patterns[r] for r in raw if r in patterns))
        return match_threat_cues(normalized, wanted)

    def _threat_columns(self, cues: list[Cue]) -> list[int]:
        offset = self.cue_offset
        return [offset + _CUE_POSITION[f] for f in threat_features(cues)]

    # -- one post ---------------------------------------------------------------------
    def indices(self, text: str) -> tuple[set[int], list[int], list[Cue]]:
        """The TF-IDF columns (a set: term frequency is binary), the cue columns and
        the threat cues of one post."""
        pieces = self._state()
        raw = unspace(text).split()
        marked = list(chain.from_iterable(self._lookup(raw, pieces)))
        base = self._base
        ids = [t for t in marked if t < base]
        word = self._word_list
        present = {c for c in map(word.__getitem__, ids) if c >= 0}
        pair_index = self._pair_index
        if pair_index is None:
            pair_index = self._pair_index = dict(zip(self._pair_keys.tolist(), self._pair_cols.tolist(), strict=True))
        for a, b in pairwise(ids):
            column = pair_index.get(a * base + b)
            if column is not None:
                present.add(column)
        flags = {c for c in map(self._valence_list.__getitem__, ids) if c >= 0}
        flags.update(c for c in map(self._mark_list.__getitem__, ids) if c >= 0)
        if self._shout_id in marked:
            flags.add(self._shout_col)
        placeholder = self._placeholder_list
        for t in ids:
            if not placeholder[t]:
                if self._question_word_list[t]:
                    flags.add(self._qstart_col)
                break
        cues: list[Cue] = []
        if self._trigger_id in marked:
            cues = self._threats(raw, pieces)
            flags.update(self._threat_columns(cues))
        return present, sorted(flags), cues

    # -- many posts -------------------------------------------------------------------
    def columns_many(self, texts: Sequence[str]) -> BatchColumns:
        """The present columns of many posts (see :class:`BatchColumns`)."""
        pieces = self._state()
        n = len(texts)
        # All posts at once: join, split, look up, and cut the ids at the separators.
        texts = [unspace(t) for t in texts]
        joined = f" {_SEPARATOR} ".join(texts)
        marked = np.fromiter(chain.from_iterable(self._lookup(joined.split(), pieces)), dtype=np.int64)
        separators = marked == self._separator_id
        if int(separators.sum()) != n - 1 and n:  # a post holds the separator piece itself
            parts = [np.append(np.fromiter(chain.from_iterable(self._lookup(t.split(), pieces)), dtype=np.int64),
                               self._separator_id) for t in texts]  # fmt: skip
            marked = np.concatenate(parts)
            marked = np.where(marked == self._separator_id, -1, marked)  # the posts' own separator pieces
            marked[np.cumsum([len(p) for p in parts]) - 1] = self._separator_id
            separators = marked == self._separator_id
            marked, separators = marked[marked >= 0], separators[marked >= 0]
        post = np.cumsum(separators)
        shouting = np.unique(post[marked == self._shout_id])
        triggered = np.unique(post[marked == self._trigger_id]).tolist()
        keep = marked < self._base
        tids, row = marked[keep], post[keep]

        # TF-IDF columns: words, then pairs of adjacent tokens of the same post.
        words = self._word_col[tids]
        known = words >= 0
        text_rows, text_cols = [row[known]], [words[known]]
        if len(tids) > 1 and len(self._pair_keys):
            # Only adjacent tokens of one post that can open and close a vocabulary pair are looked up.
            ask = (row[1:] == row[:-1]) & self._opens_pair[tids[:-1]] & self._closes_pair[tids[1:]]
            keys = tids[:-1][ask] * self._base + tids[1:][ask]
            order = np.argsort(keys)  # sorted queries search several times faster
            keys, pair_rows = keys[order], row[1:][ask][order]
            pos = np.searchsorted(self._pair_keys, keys)
            pos[pos == len(self._pair_keys)] = 0
            hit = self._pair_keys[pos] == keys
            text_rows.append(pair_rows[hit])
            text_cols.append(self._pair_cols[pos[hit]])
        width = max(self.n_text, 1)
        text_key = _distinct(np.concatenate(text_rows) * width + np.concatenate(text_cols))

        # Cue columns: lexicon valence, ? and !, shouting, an opening question word, threats.
        cue_rows, cue_cols = [], []
        for table in (self._valence_col, self._mark_col):
            values = table[tids]
            has = values >= 0
            cue_rows.append(row[has])
            cue_cols.append(values[has])
        if len(shouting):
            cue_rows.append(shouting)
            cue_cols.append(np.full(len(shouting), self._shout_col, dtype=np.int64))
        content = np.flatnonzero(~self._is_placeholder[tids])
        if len(content):
            content_row = row[content]
            first = np.ones(len(content), dtype=bool)
            first[1:] = content_row[1:] != content_row[:-1]
            opening = content[first]
            asks = self._is_question_word[tids[opening]]
            cue_rows.append(content_row[first][asks])
            cue_cols.append(np.full(int(asks.sum()), self._qstart_col, dtype=np.int64))
        cues: list[list[Cue]] = [[] for _ in range(n)]
        if triggered:
            threat_rows: list[int] = []
            threat_cols: list[int] = []
            for i in triggered:
                found = cues[i] = self._threats(texts[i].split(), pieces)
                columns = self._threat_columns(found)
                threat_rows.extend([i] * len(columns))
                threat_cols.extend(columns)
            cue_rows.append(np.asarray(threat_rows, dtype=np.int64))
            cue_cols.append(np.asarray(threat_cols, dtype=np.int64))
        n_cues = len(CUE_FEATURES)
        cue_key = _distinct(np.concatenate(cue_rows) * n_cues + (np.concatenate(cue_cols) - self.cue_offset))
        return BatchColumns(
            n=n,
            text_rows=text_key // width,
            text_cols=text_key % width,
            cue_rows=cue_key // n_cues,
            cue_cols=cue_key % n_cues + self.cue_offset,
            cues=cues,
        )
