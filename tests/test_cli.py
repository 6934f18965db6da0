"""The command line: every input format, rows and columns kept, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from socialcare.cli import main

ADDED = [
    "negativity",
    "escalation",
    "escalation_type",
    "praise",
    "question",
    "urgency",
    "sentiment",
    "status",
    "category",
    "priority",
    "reasons",
]


@pytest.fixture()
def posts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["001", "002", "003", "004", "005"],
            "text": [
                "If someone doesn't help me, I'm going to post this on ALL my social media accounts and call the news!",
                "thanks @Delta, great crew today",
                "",
                "how do I add a bag to my booking?",
                "lost my bag, 3rd time this year. ridiculous",
            ],
            "followers": ["10", "5000", "", "0", "120"],
            "created_at": [
                "2024-05-01T10:00:00Z",
                "2024-05-01T10:05:00Z",
                "2024-05-01T10:06:00Z",
                "2024-05-01T10:07:00Z",
                "not a time",
            ],
            "note": ["a", "b", "c", "d", "e"],
        }
    )


def check(out: pd.DataFrame, posts: pd.DataFrame) -> None:
    assert len(out) == len(posts)
    assert list(out.columns[: len(posts.columns)]) == list(posts.columns)
    assert [str(x).zfill(3) for x in out["id"]] == list(posts["id"])
    assert list(out.columns[len(posts.columns) :]) == ADDED
    assert out["negativity"].between(0, 1).all() and out["priority"].between(0, 100).all()
    assert set(out["category"]) <= {"escalation", "complaint", "question", "praise", "other"}
    assert out["category"].iloc[0] == "escalation"
    assert out["status"].iloc[2] == "empty" and out["category"].iloc[2] == "other"


@pytest.mark.parametrize("ext", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_score_each_format_keeps_every_row_and_column(tmp_path: Path, posts: pd.DataFrame, ext: str) -> None:
    src, dst = tmp_path / f"in{ext}", tmp_path / f"out{ext}"
    if ext == ".csv":
        posts.to_csv(src, index=False)
    elif ext == ".tsv":
        posts.to_csv(src, index=False, sep="\t")
    elif ext == ".jsonl":
        posts.to_json(src, orient="records", lines=True)
    else:
        posts.to_parquet(src)
    assert main(["score", str(src), "-o", str(dst)]) == 0
    if ext in (".csv", ".tsv"):
        out = pd.read_csv(dst, sep="\t" if ext == ".tsv" else ",", dtype={"id": str}, keep_default_na=False)
        out["negativity"] = out["negativity"].astype(float)
    elif ext == ".jsonl":
        out = pd.read_json(dst, lines=True, dtype={"id": str})
    else:
        out = pd.read_parquet(dst)
    check(out, posts)


def test_score_writes_csv_to_stdout(tmp_path: Path, posts: pd.DataFrame, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "in.csv"
    posts.to_csv(src, index=False)
    assert main(["score", str(src)]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"id": str}, keep_default_na=False)
    check(out, posts)


def test_score_text_column_and_now(tmp_path: Path, posts: pd.DataFrame, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "in.csv"
    posts.rename(columns={"text": "message"}).to_csv(src, index=False)
    assert main(["score", str(src), "--text-column", "message", "--now", "2024-05-01T12:00:00Z"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert out["reasons"].iloc[0].count("waiting 120 min") == 1


def test_sample_archive_is_scored_completely(tmp_path: Path, sample_path: Path) -> None:
    dst = tmp_path / "scored.csv"
    assert main(["score", str(sample_path), "-o", str(dst)]) == 0
    with sample_path.open(newline="") as a, dst.open(newline="") as b:
        rows_in, rows_out = list(csv.DictReader(a)), list(csv.DictReader(b))
    assert len(rows_in) == len(rows_out) == 300
    for r_in, r_out in zip(rows_in, rows_out):
        assert all(r_out[k] == v for k, v in r_in.items())
        assert 0 <= float(r_out["priority"]) <= 100


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "missing.csv"], "no such file"),
        (["score", "{xlsx}"], "Excel workbooks are not read"),
        (["score", "{src}", "--text-column", "body"], "column 'body' not found"),
        (["score", "{src}", "--now", "yesterday"], "not an ISO 8601 time"),
        (["score", "{src}", "--model", "nope.npz"], "no model file"),
        (["score", "{src}", "-o", "{src}"], "would overwrite the input"),
        (["score", "{src}", "-o", "{out}.xlsx"], "output format"),
    ],
)
def test_errors_are_one_line_with_a_nonzero_exit(
    tmp_path: Path, posts: pd.DataFrame, capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    src, xlsx = tmp_path / "in.csv", tmp_path / "posts.xlsx"
    posts.to_csv(src, index=False)
    xlsx.write_bytes(b"PK\x03\x04 not really a workbook")
    code = main([a.format(src=src, xlsx=xlsx, out=tmp_path / "out") for a in argv])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert message in err and len(err.splitlines()) == 1


def test_explain_prints_scores_and_reasons(capsys: pytest.CaptureFixture) -> None:
    assert main(["explain", "I will call my lawyer and the BBB about this charge"]) == 0
    out = capsys.readouterr().out
    assert "category   escalation" in out and "threat (legal)" in out


def test_explain_json(capsys: pytest.CaptureFixture) -> None:
    assert main(["explain", "thank you, lovely crew!", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["category"] == "praise" and 0 <= data["priority"] <= 100


def test_console_script_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "socialcare", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("socialcare ")


@pytest.mark.slow
def test_train_then_evaluate_a_small_model(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    model = tmp_path / "small.npz"
    data = Path(__file__).resolve().parents[1] / "data"
    argv = ["train", "--data-dir", str(data), "--limit", "300", "-o", str(model), "--no-evaluate"]
    assert main(argv) == 0
    assert model.stat().st_size > 0
    assert main(["evaluate", "--data-dir", str(data), "--model", str(model), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    heads = {(r["split"], r["head"], r["metric"]) for r in report["rows"]}
    assert ("triage_gold test", "escalation", "f1") in heads
    assert ("TweetEval test", "sentiment", "macro-recall") in heads
    counts = ("true pos", "false pos", "false neg")
    assert all(r["model"] is None or 0 <= r["model"] <= 1 for r in report["rows"] if r["metric"] not in counts)
    for r in report["rows"]:
        if r["metric"] in counts:
            assert r["model"] == int(r["model"]) <= report["sizes"]["triage_gold test"]


def test_score_with_a_priority_config(tmp_path: Path, posts: pd.DataFrame) -> None:
    source = tmp_path / "in.csv"
    posts.assign(author=["@acme", None, None, None, None]).to_csv(source, index=False)
    plain, vip = tmp_path / "plain.csv", tmp_path / "vip.csv"
    config = tmp_path / "priority.toml"
    config.write_text('[priority]\nvip_authors = ["acme"]\nvip_weight = 3\n', encoding="utf-8")
    assert main(["score", str(source), "-o", str(plain)]) == 0
    assert main(["score", str(source), "-o", str(vip), "--config", str(config)]) == 0
    a, b = pd.read_csv(plain), pd.read_csv(vip)
    assert b.loc[0, "priority"] == pytest.approx(a.loc[0, "priority"] + 3)
    assert "vip 3" in b.loc[0, "reasons"]
    assert (a.loc[1:, "priority"] == b.loc[1:, "priority"]).all()
    config.write_text("[priority]\nwaiting_wieght = 3\n", encoding="utf-8")
    assert main(["score", str(source), "-o", str(vip), "--config", str(config)]) == 2


def test_alerts_on_the_airline_timeline(capsys: pytest.CaptureFixture) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "airline_sentiment" / "Tweets.csv"
    args = ["alerts", str(data), "--time-column", "tweet_created", "--group-column", "airline", "--json"]
    assert main(args) == 0
    out = capsys.readouterr()
    alerts = json.loads(out.out)
    assert alerts and {"metric", "group", "start", "count", "baseline", "p_value", "examples"} <= set(alerts[0])
    assert any(a["group"] == "American" and a["start"].startswith("2015-02-22") for a in alerts)
    assert "alerts in" in out.err
    assert main(["alerts", str(data), "--time-column", "nope"]) == 2


def test_check_reply_text_and_json(capsys: pytest.CaptureFixture) -> None:
    post = "@united lost my bag and nobody answers"
    assert main(["check-reply", "--post", post, "--reply", "No problem!", "--category", "complaint"]) == 0
    text = capsys.readouterr().out
    assert "says-no-problem" in text and "missing-apology" in text
    assert main(["check-reply", "--post", post, "--reply", "No problem!", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found[0]["code"] == "says-no-problem" and found[0]["span"] == [0, 10]


def test_score_summary_accounts_for_every_record_and_shows_no_progress_off_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'id,text\n1,lost my bag\n2,"never closes\n3,thanks,extra\n4,where is my refund?\n', encoding="utf-8"
    )
    assert main(["score", str(source), "-o", str(tmp_path / "out.csv"), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and len(err.strip().splitlines()) == 1
    assert "read 4 records" in err and "wrote 2 rows" in err and "2 rejected" in err
    rejects = pd.read_csv(tmp_path / "out.csv.rejects.csv")
    assert rejects["line"].tolist() == [3, 4]
