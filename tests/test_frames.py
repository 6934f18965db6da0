"""The df.socialcare accessor and the summaries of a scored archive, on the real airline week."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

import socialcare.frames  # noqa: F401  (registers df.socialcare)
from socialcare import ColumnNotFoundError
from socialcare.types import CATEGORIES, ESCALATION_TYPES

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def scored(triage) -> pd.DataFrame:
    frame = pd.read_csv(DATA / "airline_sentiment" / "Tweets.csv").head(3000)
    frame["created_at"] = frame["tweet_created"]
    return frame.socialcare.route(triage=triage, now=datetime(2015, 2, 25, tzinfo=timezone.utc))


def test_route_and_score_add_typed_columns_and_keep_rows(scored, triage) -> None:
    assert len(scored) == 3000 and scored["category"].dtype == "string"
    assert scored["priority"].between(0, 100).all()
    only = scored[["text"]].socialcare.score(triage=triage)
    assert "category" not in only and only["negativity"].between(0, 1).all()


def test_category_mix_counts_every_post(scored) -> None:
    mix = scored.socialcare.category_mix(freq="1D")
    assert list(mix.columns) == list(CATEGORIES)
    assert mix.to_numpy().sum() == len(scored)


def test_negativity_by_airline(scored) -> None:
    table = scored.socialcare.negativity_by("airline")
    assert table["posts"].sum() == len(scored)
    assert table["negative_share"].is_monotonic_decreasing and table["negative_share"].between(0, 1).all()


def test_escalations_by_type_and_priority_bands(scored) -> None:
    types = scored.socialcare.escalations_by_type()
    assert list(types.index) == list(ESCALATION_TYPES)
    assert types["escalations"].sum() == (scored["category"] == "escalation").sum()
    bands = scored.socialcare.priority_distribution()
    assert bands.to_numpy().sum() == len(scored)


def test_sla_risk_and_queue(scored) -> None:
    now = pd.Timestamp("2015-02-24T20:00Z").to_pydatetime()
    risk = scored.socialcare.sla_risk(now=now)
    assert set(risk.index) <= {"escalation", "complaint", "question"}
    assert risk.to_numpy().sum() == scored["category"].isin(["escalation", "complaint", "question"]).sum()
    queue = scored.socialcare.queue(10)
    assert queue["priority"].is_monotonic_decreasing and len(queue) == 10


def test_unscored_frames_get_a_clear_error() -> None:
    with pytest.raises(ColumnNotFoundError, match="route"):
        pd.DataFrame({"text": ["x"]}).socialcare.category_mix()
