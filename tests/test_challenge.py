"""The challenge suite: hard cases of threat detection with the decision the labeling guide
expects (tests/data/challenge.csv). Cases the bundled model still gets wrong are listed in
KNOWN_MISSES and marked as expected failures, so a fix shows up as an unexpected pass."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

with (Path(__file__).parent / "data" / "challenge.csv").open(encoding="utf-8", newline="") as _file:
    CASES = list(csv.DictReader(_file))
KNOWN_MISSES = {
    "see you in small claims court @comcast",
    "filing a chargeback. done waiting for your refund",
    "I don't want to switch, please just help me",
    "Switched to @delta last year and love it",
    "@JetBlue I switched to you from @united and never looked back",
}


def _params():
    for case in CASES:
        marks = (
            [pytest.mark.xfail(reason="known miss of the bundled model", strict=True)]
            if case["text"] in KNOWN_MISSES
            else []
        )
        yield pytest.param(case, id=case["why"], marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_escalation_decision(triage, case: dict[str, str]) -> None:
    scores = triage.score(case["text"])
    expected = case["escalation"] == "1"
    assert scores.is_escalation == expected, f"{case['why']}: escalation {scores.escalation:.2f}"
    if expected:
        assert scores.escalation_type == case["escalation_type"]


def test_the_suite_covers_every_type_and_trap_kind() -> None:
    kinds = {c["escalation_type"] for c in CASES if c["escalation"] == "1"}
    assert kinds == {"media", "legal", "regulator", "financial", "public", "churn", "internal"}
    assert sum(c["escalation"] == "0" for c in CASES) >= 10
