"""Loading the labeled data in ``data/`` with the project's fixed splits.

Every loader returns a :class:`pandas.DataFrame` with a ``text`` column and label
columns. Evaluation splits are fixed by a hash of each post's id, so they never
change with the order of a file; training sets drop every post whose text also
appears in any evaluation split (see :func:`text_key`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from .errors import DataError

__all__ = [
    "GOLD_FLAGS",
    "airline_sentiment",
    "complaints",
    "evaluation_keys",
    "flags_training_set",
    "gold",
    "sentiment_training_set",
    "text_key",
    "tweeteval_test",
]

GOLD_FLAGS = ("negative", "escalation", "praise", "question", "urgent")
_HANDLE = re.compile(r"@\w+|__\w+__")
_NON_WORD = re.compile(r"[\W_]+")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def text_key(text: str) -> str:
    """A key that matches the same post across datasets (handles, case, punctuation dropped)."""
    return _NON_WORD.sub("", _HANDLE.sub("", str(text)).lower())[:240]


def _is_eval(identifier: object, percent: int = 20) -> bool:
    digest = hashlib.sha256(str(identifier).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataError(
            f"data file {str(path)!r} is missing; run from a socialcare source checkout "
            "or pass --data-dir pointing at its data/ folder"
        )
    return path


def gold(data_dir: Path, split: str) -> pd.DataFrame:
    """triage_gold ``train``, ``train_extra`` or ``test``."""
    frame = pd.read_csv(_require(data_dir / "triage_gold" / f"{split}.csv"), dtype={"escalation_type": "string"})
    frame["escalation_type"] = frame["escalation_type"].fillna("")
    return frame


def socialcare_labels(data_dir: Path) -> pd.DataFrame:
    """Posts labeled by the socialcare maintainers against data/socialcare_labels/LABELING.md."""
    path = data_dir / "socialcare_labels" / "labels.csv"
    if not path.exists():
        return pd.DataFrame(columns=["text", *GOLD_FLAGS, "escalation_type"])
    frame = pd.read_csv(path, dtype={"escalation_type": "string"})
    frame["escalation_type"] = frame["escalation_type"].fillna("")
    return frame


def airline_sentiment(data_dir: Path, split: str) -> pd.DataFrame:
    """Twitter US Airline Sentiment, deduplicated by tweet id; ``train`` or ``eval`` (a fixed 20%)."""
    frame = pd.read_csv(_require(data_dir / "airline_sentiment" / "Tweets.csv"))
    frame = frame.drop_duplicates("tweet_id").rename(columns={"airline_sentiment": "sentiment"})
    is_eval = frame["tweet_id"].map(_is_eval)
    return frame[is_eval if split == "eval" else ~is_eval].reset_index(drop=True)


def complaints(data_dir: Path, split: str) -> pd.DataFrame:
    """Preotiuc-Pietro et al. (2019) annotated complaints (random controls left out); fixed 20% ``eval``."""
    frame = pd.read_csv(
        _require(data_dir / "complaints_preotiuc2019" / "complaints-data.csv"),
        header=None,
        names=["tweet_id", "text", "complaint", "domain"],
    )
    frame = frame[~frame["domain"].astype(str).str.startswith("random")]
    is_eval = frame["tweet_id"].map(_is_eval)
    return frame[is_eval if split == "eval" else ~is_eval].reset_index(drop=True)


def tweeteval_test(data_dir: Path) -> pd.DataFrame:
    """TweetEval sentiment test (= SemEval-2017 4A test)."""
    folder = data_dir / "tweeteval_sentiment"
    texts = _require(folder / "test_text.txt").read_text("utf-8").split("\n")[:-1]
    labels = (folder / "test_labels.txt").read_text("utf-8").split("\n")[:-1]
    names = {"0": "negative", "1": "neutral", "2": "positive"}
    return pd.DataFrame({"text": texts, "sentiment": [names[x.strip()] for x in labels]})


def _semeval(data_dir: Path) -> pd.DataFrame:
    frames = []
    for path in sorted((data_dir / "semeval2017_task4a").glob("twitter-*.txt")):
        rows = []
        for line in path.read_text("utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1] in ("positive", "negative", "neutral"):
                text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), parts[2])
                rows.append((parts[0], parts[1], text))
        frames.append(pd.DataFrame(rows, columns=["id", "sentiment", "text"]))
    if not frames:
        raise DataError(f"no SemEval files in {str(data_dir / 'semeval2017_task4a')!r}")
    return pd.concat(frames, ignore_index=True).drop_duplicates("id")


def evaluation_keys(data_dir: Path) -> set[str]:
    """Text keys of every post in an evaluation split: never trained on."""
    texts = pd.concat(
        [
            gold(data_dir, "test")["text"],
            airline_sentiment(data_dir, "eval")["text"],
            complaints(data_dir, "eval")["text"],
            tweeteval_test(data_dir)["text"],
        ]
    )
    return set(texts.map(text_key))


def _drop_eval(frame: pd.DataFrame, keys: set[str]) -> pd.DataFrame:
    k = frame["text"].map(text_key)
    return frame[~k.isin(keys) & (k != "")].drop_duplicates("text").reset_index(drop=True)


def flags_training_set(data_dir: Path, keys: set[str] | None = None) -> pd.DataFrame:
    """Posts labeled for every flag: triage_gold train + train_extra + socialcare labels.

    Column ``reference`` marks the triage_gold posts: decision thresholds and calibration
    are fitted on their out-of-fold predictions."""
    keys = evaluation_keys(data_dir) if keys is None else keys
    columns = ["text", *GOLD_FLAGS, "escalation_type"]
    frame = pd.concat(
        [
            gold(data_dir, "train")[columns].assign(reference=True),
            gold(data_dir, "train_extra")[columns].assign(reference=True),
            socialcare_labels(data_dir)[columns].assign(reference=False),
        ],
        ignore_index=True,
    )
    frame[list(GOLD_FLAGS)] = frame[list(GOLD_FLAGS)].astype(int)
    return _drop_eval(frame, keys)


def sentiment_training_set(data_dir: Path, flags: pd.DataFrame, keys: set[str] | None = None) -> pd.DataFrame:
    """3-class sentiment: SemEval 2013-2016, the airline train split, and the flag-labeled posts
    (negative -> negative; praise without negativity -> positive; otherwise neutral)."""
    keys = evaluation_keys(data_dir) if keys is None else keys
    derived = pd.DataFrame(
        {
            "text": flags["text"],
            "sentiment": [
                "negative" if n else ("positive" if p else "neutral")
                for n, p in zip(flags["negative"], flags["praise"])
            ],
        }
    )
    airline = airline_sentiment(data_dir, "train")[["text", "sentiment"]]
    frame = pd.concat([_semeval(data_dir)[["text", "sentiment"]], airline, derived], ignore_index=True)
    return _drop_eval(frame, keys)
