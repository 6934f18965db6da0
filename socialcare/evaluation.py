"""Measuring a model on the held-out splits, next to a VADER baseline.

Splits (never used for training or for choosing thresholds):

* ``triage_gold`` test: 300 hand-labeled posts, every flag and the category;
* airline sentiment: the fixed 20% evaluation split (3-class sentiment);
* TweetEval sentiment test (= SemEval-2017 4A test): macro-averaged recall;
* complaints (Preotiuc-Pietro et al. 2019): the fixed 20% evaluation split, a post
  counted as a complaint when it is flagged negative or escalation.

VADER is run in the same command with its standard thresholds (compound <= -0.05
negative, >= 0.05 positive) through nltk's implementation and the lexicon shipped
with socialcare, so both columns come from the same data on the same machine.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from . import datasets
from .model import FLAG_HEADS, LinearTriageModel
from .triage import Triage
from .types import CATEGORIES, SENTIMENTS

_COUNTS = ("true pos", "false pos", "false neg")

__all__ = ["EvaluationReport", "evaluate", "expected_calibration_error", "vader_analyzer"]


@functools.cache
def vader_analyzer() -> Any:
    """nltk's VADER ``SentimentIntensityAnalyzer`` over the lexicon shipped in the package
    (nltk's own copy would need a download)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer, VaderConstants

    analyzer = SentimentIntensityAnalyzer.__new__(SentimentIntensityAnalyzer)
    analyzer.lexicon_file = resources.files("socialcare.resources").joinpath("vader_lexicon.txt").read_text("utf-8")
    analyzer.lexicon = analyzer.make_lex_dict()
    analyzer.constants = VaderConstants()
    return analyzer


def _vader_compound(texts: list[str]) -> np.ndarray:
    analyzer = vader_analyzer()
    return np.array([analyzer.polarity_scores(t)["compound"] for t in texts])


def _vader_sentiment(compound: np.ndarray) -> np.ndarray:
    return np.where(compound <= -0.05, "negative", np.where(compound >= 0.05, "positive", "neutral"))


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width bins: sum over bins of |accuracy - confidence| weighted by bin size."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(total)


def _binary(y: np.ndarray, pred: np.ndarray, score: np.ndarray | None) -> dict[str, float]:
    from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
    out = {"precision": float(p), "recall": float(r), "f1": float(f)}
    if score is not None and 0 < y.sum() < len(y):
        out["auc"] = float(roc_auc_score(y, score))
    return out


def _count(pred: np.ndarray, y: np.ndarray, flagged: int, truth: int) -> float:
    """Posts flagged ``flagged`` (0/1) whose true label is ``truth``."""
    return float(((np.asarray(pred).astype(int) == flagged) & (y == truth)).sum())


@dataclass
class EvaluationReport:
    """Every measured figure, as plain data (also written into the model's metadata)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    #: triage_gold test category confusion: confusion[true][predicted] = posts.
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, split: str, head: str, metric: str, model: float | None, vader: float | None) -> None:
        self.rows.append({"split": split, "head": head, "metric": metric, "model": model, "vader": vader})

    def get(self, split: str, head: str, metric: str) -> float | None:
        for row in self.rows:
            if (row["split"], row["head"], row["metric"]) == (split, head, metric):
                return row["model"]
        return None

    def to_markdown(self) -> str:
        lines = ["| split | head | metric | socialcare | VADER |", "|---|---|---|---|---|"]
        for row in self.rows:
            digits = 0 if row["metric"] in _COUNTS else 3
            m = "" if row["model"] is None else f"{row['model']:.{digits}f}"
            v = "n/a" if row["vader"] is None else f"{row['vader']:.{digits}f}"
            lines.append(f"| {row['split']} | {row['head']} | {row['metric']} | {m} | {v} |")
        sizes = ", ".join(f"{k} {v}" for k, v in self.sizes.items())
        out = "\n".join(lines) + f"\n\nPosts per split: {sizes}.\n"
        if self.confusion:
            labels = list(self.confusion)
            out += "\ntriage_gold test category confusion (rows: true, columns: predicted)\n\n"
            out += "| true \\ predicted | " + " | ".join(labels) + " |\n"
            out += "|---" * (len(labels) + 1) + "|\n"
            for true in labels:
                out += f"| {true} | " + " | ".join(str(self.confusion[true][p]) for p in labels) + " |\n"
        return out


def evaluate(model: LinearTriageModel, data_dir: str | Path = "data") -> EvaluationReport:
    """Measure ``model`` on every held-out split of ``data_dir`` next to VADER."""
    from sklearn.metrics import f1_score, recall_score

    data_dir = Path(data_dir)
    triage = Triage(model)
    report = EvaluationReport()

    gold = datasets.gold(data_dir, "test")
    texts = gold["text"].astype(str).tolist()
    scores = triage.score_many(texts)
    compound = _vader_compound(texts)
    report.sizes["triage_gold test"] = len(gold)
    # Scores attribute of each head's probability and of its flag.
    fields = {
        "negative": ("negativity", "is_negative"),
        "escalation": ("escalation", "is_escalation"),
        "praise": ("praise", "is_praise"),
        "question": ("question", "is_question"),
        "urgent": ("urgency", "is_urgent"),
    }
    probs = {h: np.array([getattr(s, p) for s in scores]) for h, (p, _) in fields.items()}
    flags = {h: np.array([getattr(s, f) for s in scores]) for h, (_, f) in fields.items()}
    vader_flags = {"negative": (compound <= -0.05, -compound), "praise": (compound >= 0.05, compound)}
    for head in FLAG_HEADS:
        y = gold[head].to_numpy().astype(int)
        ours = _binary(y, flags[head], probs[head])
        base = _binary(y, *vader_flags[head]) if head in vader_flags else {}
        for metric in ("precision", "recall", "f1", "auc"):
            report.add("triage_gold test", head, metric, ours.get(metric), base.get(metric))
        for metric, flagged, truth in (("true pos", 1, 1), ("false pos", 1, 0), ("false neg", 0, 1)):
            vader = _count(vader_flags[head][0], y, flagged, truth) if head in vader_flags else None
            report.add("triage_gold test", head, metric, _count(flags[head], y, flagged, truth), vader)
        report.add("triage_gold test", head, "ECE", expected_calibration_error(y, probs[head]), None)
    predicted = [r.category for r in triage.route_many(texts)]
    pairs = list(zip(gold["category"], predicted, strict=True))
    report.confusion = {t: {p: pairs.count((t, p)) for p in CATEGORIES} for t in CATEGORIES}
    vader_category = np.where(compound <= -0.05, "complaint", np.where(compound >= 0.05, "praise", "other"))
    report.add(
        "triage_gold test",
        "category",
        "macro-F1",
        float(f1_score(gold["category"], predicted, labels=list(CATEGORIES), average="macro")),
        float(f1_score(gold["category"], vader_category, labels=list(CATEGORIES), average="macro")),
    )
    esc = gold["escalation"].to_numpy() == 1
    got_type = np.array([s.escalation_type or "" for s in scores])
    report.add(
        "triage_gold test",
        "escalation_type",
        "accuracy (true escalations)",
        float((got_type[esc] == gold["escalation_type"].to_numpy()[esc]).mean()),
        None,
    )

    for split, frame, metric in (
        ("airline eval 20%", datasets.airline_sentiment(data_dir, "eval"), "macro-F1"),
        ("TweetEval test", datasets.tweeteval_test(data_dir), "macro-recall"),
    ):
        texts = frame["text"].astype(str).tolist()
        pred = model.predict_many(texts).sentiment
        ours_s = np.array(SENTIMENTS)[pred.argmax(axis=1)]
        vader_s = _vader_sentiment(_vader_compound(texts))
        scorer = f1_score if metric == "macro-F1" else recall_score
        report.sizes[split] = len(frame)
        report.add(
            split,
            "sentiment",
            metric,
            float(scorer(frame["sentiment"], ours_s, average="macro")),
            float(scorer(frame["sentiment"], vader_s, average="macro")),
        )
        report.add(
            split,
            "sentiment",
            "accuracy",
            float((ours_s == frame["sentiment"]).mean()),
            float((vader_s == frame["sentiment"]).mean()),
        )

    comp = datasets.complaints(data_dir, "eval")
    texts = comp["text"].astype(str).tolist()
    scored = triage.score_many(texts)
    ours_c = np.array([s.is_negative or s.is_escalation for s in scored]).astype(int)
    vader_c = (_vader_compound(texts) <= -0.05).astype(int)
    report.sizes["complaints eval 20%"] = len(comp)
    report.add(
        "complaints eval 20%",
        "complaint",
        "macro-F1",
        float(f1_score(comp["complaint"], ours_c, average="macro")),
        float(f1_score(comp["complaint"], vader_c, average="macro")),
    )
    return report
