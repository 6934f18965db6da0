"""Building the shipped model from ``data/`` with scikit-learn.

:func:`make_vectorizer` is a scikit-learn ``FeatureUnion`` of a ``TfidfVectorizer``
over :func:`socialcare.features.analyze` and a binary ``CountVectorizer`` over the
fixed cue features; :func:`train_model` fits one logistic
regression per head on it, calibrates the binary heads on out-of-fold
predictions, picks each flag's decision threshold there (never on a test split),
and exports everything into a :class:`~socialcare.model.LinearTriageModel`.
Training is deterministic: the same data give the same artifact.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__, datasets
from .features import CUE_FEATURES, analyze, analyze_cues
from .model import FLAG_HEADS, N_OUTPUTS, LinearTriageModel
from .types import ESCALATION_TYPES, SENTIMENTS

__all__ = ["TrainingConfig", "make_vectorizer", "train_model"]

logger = logging.getLogger(__name__)

_THREAT_PREFIXES = ("k:threat", "k:negthreat", "k:ctx:", "k:grp:")


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters of :func:`train_model` (chosen by cross-validation on training data)."""

    min_df: int = 2
    max_features: int | None = 250_000
    flag_c: tuple[float, ...] = (8.0, 8.0, 8.0, 8.0, 8.0)
    sentiment_c: float = 2.0
    type_c: float = 4.0
    cue_scale: float = 3.0
    folds: int = 5
    seed: int = 0
    n_jobs: int | None = None  # parallel cross-validation folds (joblib); None = one process
    limit: int | None = None  # use only this many posts per training set (for quick checks)


def make_vectorizer(config: TrainingConfig | None = None) -> Any:
    """The scikit-learn vectorizer whose output the lean inference path reproduces."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    config = config or TrainingConfig()
    text = TfidfVectorizer(
        analyzer=analyze,
        lowercase=False,
        min_df=config.min_df,
        max_features=config.max_features,
        binary=True,
        dtype=np.float32,
    )
    cues = CountVectorizer(analyzer=analyze_cues, vocabulary=list(CUE_FEATURES), binary=True, dtype=np.float32)
    return FeatureUnion([("text", text), ("cues", cues)], transformer_weights={"text": 1.0, "cues": config.cue_scale})


def _logistic(c: float, seed: int, tol: float = 1e-4, **kwargs: Any) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000, tol=tol, random_state=seed, **kwargs)


def _best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Threshold on ``p`` with the best F1 on (out-of-fold) predictions."""
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    tp = np.cumsum(ys)
    fp = np.cumsum(1 - ys)
    f1 = 2 * tp / (tp + fp + ys.sum())
    last = np.r_[ps[1:] != ps[:-1], True]  # only cut between distinct scores
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    nxt = ps[i + 1] if i + 1 < len(ps) else ps[i] - 1e-3
    return float((ps[i] + nxt) / 2), float(f1[i])


def _fit_flag(x: Any, y: np.ndarray, reference: np.ndarray, c: float, config: TrainingConfig) -> dict[str, Any]:
    """One binary head. Calibration and threshold are fitted on the out-of-fold
    predictions of the ``reference`` rows (triage_gold, labeled by the team whose labels
    the model is judged against) when they hold enough of both classes."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = min(config.folds, int(y.sum()), int(len(y) - y.sum()))
    if folds < 2:
        raise ValueError("each flag needs at least two positive and two negative examples to train")
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    oof = cross_val_predict(_logistic(c, config.seed), x, y, cv=cv, method="decision_function", n_jobs=config.n_jobs)
    ref_y = y[reference]
    if min(int(ref_y.sum()), int(len(ref_y) - ref_y.sum())) < 20:
        reference = np.ones(len(y), dtype=bool)
    platt = _logistic(1e4, config.seed).fit(oof[reference].reshape(-1, 1), y[reference])
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    prob = 1 / (1 + np.exp(-(a * oof[reference] + b)))
    threshold, f1 = _best_threshold(y[reference], prob)
    final = _logistic(c, config.seed).fit(x, y)
    return {
        "coef": final.coef_[0],
        "intercept": float(final.intercept_[0]),
        "platt": (a, b),
        "threshold": threshold,
        "cv": {
            "f1_at_threshold": round(f1, 4),
            "positives": int(y.sum()),
            "n": len(y),
            "calibrated_on": int(reference.sum()),
        },
    }


def _fit_multiclass(
    x: Any, labels: pd.Series, classes: tuple[str, ...], c: float, config: TrainingConfig, **kwargs: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial head; classes absent from the data get a large negative bias."""
    model = _logistic(c, config.seed, **kwargs).fit(x, labels.to_numpy())
    coef = np.zeros((len(classes), x.shape[1]))
    intercept = np.full(len(classes), -20.0)
    for row, name in enumerate(model.classes_):
        j = classes.index(name)
        if len(model.classes_) == 2:  # binary LogisticRegression keeps one row
            sign = 1.0 if row == 1 else -1.0
            coef[j] = sign * model.coef_[0] / 2
            intercept[j] = sign * model.intercept_[0] / 2
        else:
            coef[j] = model.coef_[row]
            intercept[j] = model.intercept_[row]
    return coef, intercept


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def train_model(data_dir: str | Path = "data", config: TrainingConfig | None = None) -> LinearTriageModel:
    """Train every head on the labeled data in ``data_dir`` and return the model."""
    config = config or TrainingConfig()
    data_dir = Path(data_dir)
    keys = datasets.evaluation_keys(data_dir)
    flags = datasets.flags_training_set(data_dir, keys)
    sentiment = datasets.sentiment_training_set(data_dir, flags, keys)
    if config.limit is not None:
        flags = flags.sample(n=min(config.limit, len(flags)), random_state=config.seed).reset_index(drop=True)
        sentiment = sentiment.sample(n=min(config.limit, len(sentiment)), random_state=config.seed)
        sentiment = sentiment.reset_index(drop=True)
    logger.info("training on %d flag-labeled and %d sentiment-labeled posts", len(flags), len(sentiment))

    vectorizer = make_vectorizer(config)
    x_all = vectorizer.fit_transform(pd.concat([flags["text"], sentiment["text"]], ignore_index=True)).tocsr()
    tfidf = vectorizer.transformer_list[0][1]
    terms = [*tfidf.get_feature_names_out().tolist(), *CUE_FEATURES]
    x_flags, x_sent = x_all[: len(flags)], x_all[len(flags) :]
    # Threat-rule columns speak to escalation only: the other heads do not see them,
    # so a rare threat context cannot leak into, say, praise.
    from scipy import sparse

    keep = np.array([0.0 if t.startswith(_THREAT_PREFIXES) else 1.0 for t in terms])
    x_flags_plain = (x_flags @ sparse.diags(keep)).tocsr()
    x_sent = (x_sent @ sparse.diags(keep)).tocsr()

    reference = flags["reference"].to_numpy()
    coef = np.zeros((len(terms), N_OUTPUTS))
    intercept = np.zeros(N_OUTPUTS)
    platt = np.zeros((len(FLAG_HEADS), 2))
    thresholds = np.zeros(len(FLAG_HEADS))
    cv_report: dict[str, Any] = {}
    for j, head in enumerate(FLAG_HEADS):
        x_head = x_flags if head == "escalation" else x_flags_plain
        fitted = _fit_flag(x_head, flags[head].to_numpy(), reference, config.flag_c[j], config)
        coef[:, j], intercept[j] = fitted["coef"], fitted["intercept"]
        platt[j], thresholds[j] = fitted["platt"], fitted["threshold"]
        cv_report[head] = {**fitted["cv"], "threshold": round(fitted["threshold"], 4)}
        logger.info("head %s: %s", head, cv_report[head])

    s0 = len(FLAG_HEADS)
    c_sent, i_sent = _fit_multiclass(
        x_sent, sentiment["sentiment"], SENTIMENTS, config.sentiment_c, config, class_weight="balanced", tol=1e-3
    )
    coef[:, s0 : s0 + 3], intercept[s0 : s0 + 3] = c_sent.T, i_sent

    t0 = s0 + len(SENTIMENTS)
    is_typed = ((flags["escalation"] == 1) & flags["escalation_type"].isin(ESCALATION_TYPES)).to_numpy()
    escalations = flags[is_typed]
    if escalations["escalation_type"].nunique() >= 2:
        c_type, i_type = _fit_multiclass(
            x_flags[is_typed], escalations["escalation_type"], ESCALATION_TYPES, config.type_c, config
        )
    else:  # too few kinds to learn from: fall back to churn, the commonest
        c_type = np.zeros((len(ESCALATION_TYPES), len(terms)))
        i_type = np.where(np.array(ESCALATION_TYPES) == "churn", 0.0, -5.0)
    coef[:, t0:], intercept[t0:] = c_type.T, i_type

    files = sorted(p for p in data_dir.rglob("*") if p.suffix in {".csv", ".txt"} and p.is_file())
    metadata = {
        "library_version": __version__,
        "labels": {"flags": list(FLAG_HEADS), "sentiment": list(SENTIMENTS), "escalation_type": list(ESCALATION_TYPES)},
        "training_config": asdict(config),
        "training_rows": {"flags": len(flags), "sentiment": len(sentiment), "escalation_type": len(escalations)},
        "data_files": {str(p.relative_to(data_dir)): _file_digest(p) for p in files},
        "cross_validation": cv_report,
        "n_features": len(terms),
    }
    return LinearTriageModel(
        terms, tfidf.idf_, coef, intercept, platt, thresholds, metadata, cue_scale=config.cue_scale
    )
