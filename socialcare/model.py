"""The linear triage model and its lean inference path.

One TF-IDF feature space (see :mod:`socialcare.features`) feeds several linear
heads at once: a weight matrix ``coef`` of shape ``(n_features, n_outputs)`` whose
columns are, in order, the five binary flags (:data:`FLAG_HEADS`), the three
sentiment classes and the seven escalation types. Binary heads are calibrated by
Platt scaling fitted on out-of-fold predictions; the other two are soft-maxed.

Inference needs only numpy (and scipy's sparse matrices for batches): no
scikit-learn call per post. :mod:`socialcare.training` builds the same model with
scikit-learn, and the tests check that both paths give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .cues import Cue
from .features import CUE_FEATURES
from .indexer import FeatureIndexer
from .types import ESCALATION_TYPES, SENTIMENTS

__all__ = ["FLAG_HEADS", "N_OUTPUTS", "LinearTriageModel", "Prediction"]

#: Binary heads, in column order.
FLAG_HEADS: tuple[str, ...] = ("negative", "escalation", "praise", "question", "urgent")
_N_FLAGS = len(FLAG_HEADS)
_SENT = slice(_N_FLAGS, _N_FLAGS + len(SENTIMENTS))
_TYPE = slice(_SENT.stop, _SENT.stop + len(ESCALATION_TYPES))
N_OUTPUTS = _TYPE.stop


@dataclass(frozen=True, slots=True)
class Prediction:
    """Raw model output for a batch of posts (one row per post)."""

    flags: np.ndarray  # (n, 5) calibrated probabilities of FLAG_HEADS
    sentiment: np.ndarray  # (n, 3) probabilities of SENTIMENTS
    escalation_type: np.ndarray  # (n, 7) probabilities of ESCALATION_TYPES
    cues: list[list[Cue]] = field(default_factory=list)
    # With ``predict_many(..., keep_columns=True)``: the TF-IDF columns present in each post,
    # as parallel arrays (row, column) sorted by row; used to explain decisions in batch.
    text_rows: np.ndarray | None = None
    text_cols: np.ndarray | None = None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _softmax(x: np.ndarray) -> np.ndarray:
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _displayable(term: str) -> bool:
    return term.startswith(("w:", "b:")) and not term[2:].startswith("_") and bool(term[2:].strip("!?.,;:"))


class LinearTriageModel:
    """A fitted model: vocabulary, IDF weights, linear heads, calibration.

    ``cue_scale`` is the value of a present cue column (TF-IDF columns are
    l2-normalised per post; cue columns are not).

    Instances are immutable after construction and safe to share between threads.
    Build one with :func:`socialcare.training.train_model` or load one with
    :func:`socialcare.persistence.load_model`.
    """

    def __init__(
        self,
        terms: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        platt: np.ndarray,
        thresholds: np.ndarray,
        metadata: dict[str, Any] | None = None,
        cue_scale: float = 1.0,
    ) -> None:
        n = len(terms)
        n_text = n - len(CUE_FEATURES)
        self.terms = list(terms)
        self.idf = np.ascontiguousarray(idf, dtype=np.float32)
        self.coef = np.ascontiguousarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.platt = np.asarray(platt, dtype=np.float64)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.metadata = dict(metadata or {})
        self.cue_scale = float(cue_scale)
        expected = {
            "idf": (self.idf.shape, (n_text,)),
            "coef": (self.coef.shape, (n, N_OUTPUTS)),
            "intercept": (self.intercept.shape, (N_OUTPUTS,)),
            "platt": (self.platt.shape, (_N_FLAGS, 2)),
            "thresholds": (self.thresholds.shape, (_N_FLAGS,)),
        }
        for name, (got, want) in expected.items():
            if got != want:
                raise ValueError(f"model array {name!r} has shape {got}, expected {want}")
        if tuple(self.terms[n_text:]) != CUE_FEATURES:
            raise ValueError("the last vocabulary terms are not this library's cue features")
        self.n_text_features = n_text
        self._indexer = FeatureIndexer(self.terms[:n_text], n_text)
        self._idf_list = self.idf.tolist()
        # Terms worth showing as a reason: words and word pairs, not placeholders or bare marks.
        self._displayable = np.array([_displayable(t) for t in self.terms[:n_text]], dtype=bool)
        self._intercept_list = self.intercept.tolist()
        self._platt_list = [tuple(row) for row in self.platt.tolist()]
        self._text_coef = self.coef[:n_text]
        self._cue_coef = self.coef[n_text:]

    @property
    def n_features(self) -> int:
        return len(self.terms)

    # -- feature matrix -------------------------------------------------------------
    def _features(self, texts: Sequence[str]) -> tuple[Any, Any, list[list[Cue]]]:
        """TF-IDF block and cue block (scipy CSR, float32) and threat cues of ``texts``."""
        from scipy import sparse

        b = self._indexer.columns_many(texts)
        n = b.n
        values = self.idf[b.text_cols]
        norms = np.sqrt(np.bincount(b.text_rows, weights=values.astype(np.float64) ** 2, minlength=n))
        data = (values / np.where(norms > 0, norms, 1.0)[b.text_rows]).astype(np.float32)
        text_ptr = np.concatenate(([0], np.cumsum(np.bincount(b.text_rows, minlength=n))))
        text = sparse.csr_matrix((data, b.text_cols.astype(np.int32), text_ptr), shape=(n, self.n_text_features))
        cue_ptr = np.concatenate(([0], np.cumsum(np.bincount(b.cue_rows, minlength=n))))
        cue_data = np.full(len(b.cue_cols), self.cue_scale, dtype=np.float32)
        cue_cols = (b.cue_cols - self.n_text_features).astype(np.int32)
        cues = sparse.csr_matrix((cue_data, cue_cols, cue_ptr), shape=(n, len(CUE_FEATURES)))
        return text, cues, b.cues

    def transform(self, texts: Sequence[str]) -> Any:
        """Feature matrix (scipy CSR, float32) of ``texts``: TF-IDF columns equal to
        the fitted ``TfidfVectorizer`` of :mod:`socialcare.training`, then the 0/1 cue columns."""
        from scipy import sparse

        text, cues, _ = self._features(texts)
        return sparse.hstack([text, cues], format="csr", dtype=np.float32)

    # -- prediction -----------------------------------------------------------------
    def _finish(self, logits: np.ndarray, cues: list[list[Cue]]) -> Prediction:
        flags = _sigmoid(logits[:, :_N_FLAGS] * self.platt[:, 0] + self.platt[:, 1])
        return Prediction(
            flags=flags,
            sentiment=_softmax(logits[:, _SENT]),
            escalation_type=_softmax(logits[:, _TYPE]),
            cues=cues,
        )

    def predict_one_values(self, text: str) -> tuple[list[float], int, int, list[Cue]]:
        """One post as plain Python values (the low-latency path): the five flag
        probabilities, the index of the likeliest sentiment and escalation type, and the
        threat cues. Same numbers as :meth:`predict_many`, with one numpy product."""
        logits, cues = self._logits_one(text)
        platt = self._platt_list
        flags = [0.5 * (1.0 + math.tanh(0.5 * (x * a + b))) for x, (a, b) in zip(logits, platt, strict=False)]
        sentiment = logits[_SENT]
        kinds = logits[_TYPE]
        return flags, sentiment.index(max(sentiment)), kinds.index(max(kinds)), cues

    def predict_one(self, text: str) -> Prediction:
        """Predict one post (arrays, like :meth:`predict_many`)."""
        logits, cues = self._logits_one(text)
        return self._finish(np.asarray(logits)[None, :], [cues])

    def _logits_one(self, text: str) -> tuple[list[float], list[Cue]]:
        present, flags, cues = self._indexer.indices(text)
        rows = [*present, *flags]
        weights = [self.cue_scale] * len(flags)
        if present:
            idf = self._idf_list
            values = [idf[r] for r in present]
            norm = math.sqrt(math.fsum(v * v for v in values))
            weights = [v / norm for v in values] + weights
        if not rows:
            return list(self._intercept_list), cues
        product = (np.asarray(weights, dtype=np.float32) @ self.coef[rows]).tolist()
        return [p + b for p, b in zip(product, self._intercept_list, strict=True)], cues

    def predict_many(self, texts: Sequence[str], batch_size: int = 4096, *, keep_columns: bool = False) -> Prediction:
        """Predict many posts: features in one pass, one sparse product per batch."""
        parts: list[Prediction] = []
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            text, cue_block, cues = self._features(texts[start : start + batch_size])
            logits = np.asarray(text @ self._text_coef, dtype=np.float64)
            logits += cue_block @ self._cue_coef
            logits += self.intercept
            parts.append(self._finish(logits, cues))
            if keep_columns:
                rows.append(np.repeat(np.arange(start, start + text.shape[0]), np.diff(text.indptr)))
                cols.append(text.indices.astype(np.int64))
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return replace(self._finish(np.zeros((0, N_OUTPUTS)), []), text_rows=empty, text_cols=empty)
        text_rows = np.concatenate(rows) if keep_columns else None
        text_cols = np.concatenate(cols) if keep_columns else None
        if len(parts) == 1:
            return replace(parts[0], text_rows=text_rows, text_cols=text_cols)
        return Prediction(
            flags=np.concatenate([p.flags for p in parts]),
            sentiment=np.concatenate([p.sentiment for p in parts]),
            escalation_type=np.concatenate([p.escalation_type for p in parts]),
            cues=[c for p in parts for c in p.cues],
            text_rows=text_rows,
            text_cols=text_cols,
        )

    def top_terms_many(self, pred: Prediction, heads: Sequence[int], k: int = 3) -> list[list[str]]:
        """For each post of ``pred`` (from ``predict_many(..., keep_columns=True)``), the ``k`` word
        features that push head ``heads[i]`` up the most (none where ``heads[i]`` is -1); the
        same as :meth:`top_terms` post by post."""
        if pred.text_rows is None or pred.text_cols is None:
            raise ValueError("top_terms_many needs a prediction made with keep_columns=True")
        head_of = np.asarray(heads, dtype=np.int64)
        out: list[list[str]] = [[] for _ in range(len(head_of))]
        rows, cols = pred.text_rows, pred.text_cols
        wanted = head_of[rows] >= 0
        rows, cols = rows[wanted], cols[wanted]
        contribution = self.idf[cols] * self._text_coef[cols, head_of[rows]]
        keep = (contribution > 0) & self._displayable[cols]
        rows, cols, contribution = rows[keep], cols[keep], contribution[keep]
        order = np.lexsort((cols, -contribution, rows))
        rows, cols = rows[order], cols[order]
        if len(rows):
            first = np.ones(len(rows), dtype=bool)
            first[1:] = rows[1:] != rows[:-1]
            starts = np.flatnonzero(first)
            rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.append(starts, len(rows))))
            for row, col in zip(rows[rank < k].tolist(), cols[rank < k].tolist(), strict=True):
                out[row].append(self.terms[col][2:])
        return out

    def top_terms(self, text: str, head: int, k: int = 3) -> list[str]:
        """The ``k`` word features of ``text`` that push head ``head`` up the most."""
        present, _, _ = self._indexer.indices(text)
        if not present:
            return []
        unique = np.fromiter(sorted(present), dtype=np.intp, count=len(present))
        contribution = self.idf[unique] * self.coef[unique, head]
        order = np.argsort(-contribution, kind="stable")
        out: list[str] = []
        for i in order:
            if contribution[i] <= 0 or len(out) >= k:
                break
            term = self.terms[unique[i]]
            if _displayable(term):
                out.append(term[2:])
        return out
