"""Archives of real posts in every format, rejected records, crash safety and resuming, Dask."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from socialcare import ArchiveError, InputError
from socialcare.archives import iter_chunks, read_archive
from socialcare.batch import ColumnMap, score_archive

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2015, 2, 25, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "sample_posts.csv", dtype=str, keep_default_na=False)


def _texts(path: Path, **kw) -> list[str]:
    return read_archive(path, **kw)["text"].tolist()


def test_every_format_reads_the_same_posts(tmp_path: Path, sample: pd.DataFrame) -> None:
    texts = sample["text"].tolist()
    sample.to_csv(tmp_path / "a.csv", index=False)
    sample.to_csv(tmp_path / "a.tsv", index=False, sep="\t")
    sample.to_json(tmp_path / "a.jsonl", orient="records", lines=True, force_ascii=False)
    sample.to_json(tmp_path / "a.json", orient="records", force_ascii=False)
    sample.to_parquet(tmp_path / "a.parquet", index=False)
    with gzip.open(tmp_path / "a.csv.gz", "wt", encoding="utf-8", newline="") as handle:
        sample.to_csv(handle, index=False)
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as handle:
        sample.to_json(handle, orient="records", lines=True, force_ascii=False)
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.write(tmp_path / "a.csv", "export/posts.csv")
    sample.to_csv(tmp_path / "excel.txt", index=False, sep="\t", encoding="utf-16")  # "Unicode text" from Excel
    (tmp_path / "noext").write_bytes((tmp_path / "a.jsonl").read_bytes())  # told by content
    for name in ["a.csv", "a.tsv", "a.jsonl", "a.json", "a.parquet", "a.csv.gz", "a.jsonl.gz", "a.zip",
                 "excel.txt", "noext"]:  # fmt: skip
        assert _texts(tmp_path / name) == texts, name


def test_other_encodings_and_invalid_bytes_are_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text\n1,caf\xe9 au lait was cold\n2,fine\n".encode("cp1252"))
    assert _texts(path) == ["caf\ufffd au lait was cold", "fine"]  # invalid UTF-8 byte replaced
    assert _texts(path, encoding="cp1252")[0] == "café au lait was cold"
    with pytest.raises(ArchiveError, match="unknown encoding"):
        _texts(path, encoding="klingon")


def test_x_archive_tweets_js(tmp_path: Path, sample: pd.DataFrame) -> None:
    tweets = [
        {"tweet": {"id_str": str(1000 + i), "full_text": t, "created_at": "Wed Feb 18 17:02:12 +0000 2015",
                   "favorite_count": str(i), "retweet_count": "2", "lang": "en"}}
        for i, t in enumerate(sample["text"].head(20))
    ]  # fmt: skip
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = " + json.dumps(tweets, indent=2), encoding="utf-8")
    frame = read_archive(path)
    assert frame["text"].tolist() == sample["text"].head(20).tolist()
    assert frame.loc[3, "id"] == "1003" and frame.loc[3, "likes"] == 3 and frame.loc[3, "shares"] == 2
    assert frame.loc[0, "created_at"] == "2015-02-18T17:02:12+00:00"


def test_facebook_exports(tmp_path: Path) -> None:
    graph = {"data": [{"id": "1_2", "message": "Where is my refund?", "created_time": "2024-05-01T10:00:00+0000",
                       "from": {"name": "Ann"}, "comment_count": 3}]}  # fmt: skip
    (tmp_path / "page.json").write_text(json.dumps(graph), encoding="utf-8")
    frame = read_archive(tmp_path / "page.json")
    assert frame.loc[0, ["text", "author", "replies"]].tolist() == ["Where is my refund?", "Ann", 3]
    comments = {"comments_v2": [{"timestamp": 1714557600, "title": "Ann commented on Acme's post.",
                                 "data": [{"comment": {"timestamp": 1714557600, "comment": "Worst service ever",
                                                       "author": "Ann"}}]}]}  # fmt: skip
    (tmp_path / "comments.json").write_text(json.dumps(comments), encoding="utf-8")
    frame = read_archive(tmp_path / "comments.json")
    assert frame.loc[0, ["text", "author"]].tolist() == ["Worst service ever", "Ann"]
    assert frame.loc[0, "created_at"].startswith("2024-05-01")


BROKEN = (
    "id,text,followers\n"
    '1,"fine, quoted",10\n'
    "2,too,many,fields\n"
    '3,"a quote that never closes,5\n'
    "4,after the broken quote,7\n"
    "5,nul\x00byte inside,1\n"
    "\n"
    '6,"multi\nline post",2\n'
    "7,,3\n"
    "8\n"
)


def test_broken_records_are_rejected_with_line_and_reason(tmp_path: Path) -> None:
    chunks = list(iter_chunks(_write(tmp_path / "broken.csv", BROKEN), chunk_size=3))
    rows = pd.concat([c.frame for c in chunks])
    rejects = [r for c in chunks for r in c.rejects]
    assert rows["id"].tolist() == ["1", "4", "5", "6", "7"]
    assert rows["text"].tolist()[2:4] == ["nulbyte inside", "multi\nline post"]
    assert [(r.line, r.reason.split(":")[0].split(" (")[0]) for r in rejects] == [
        (3, "expected 3 fields, got 4"),
        (4, "unreadable CSV record"),
        (11, "expected 3 fields, got 1"),
    ]
    assert sum(c.records for c in chunks) == 8


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_every_record_is_accounted_for_in_a_run(tmp_path: Path, triage) -> None:
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"text": "lost my bag"}\n{"text": broken\n[1, 2]\n{"other": "no text"}\n\n{"text": null}\n',
                     encoding="utf-8")  # fmt: skip
    summary = score_archive(jsonl, tmp_path / "out.csv", now=NOW, jobs=1)
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert summary.records == 5 == summary.rows + summary.rejected and summary.rejected == 2
    assert out["status"].tolist() == ["ok", "empty", "empty"]  # missing and null text: rows with a status
    rejects = pd.read_csv(summary.rejects_path)
    assert rejects["line"].tolist() == [2, 3] and "not valid JSON" in rejects["reason"][0]


def test_parallel_chunks_keep_order_and_give_the_same_output(tmp_path: Path, sample: pd.DataFrame) -> None:
    sample.to_csv(tmp_path / "in.csv", index=False)
    one = score_archive(tmp_path / "in.csv", tmp_path / "one.parquet", now=NOW, jobs=1, chunk_size=37)
    two = score_archive(tmp_path / "in.csv", tmp_path / "two.parquet", now=NOW, jobs=2, chunk_size=37)
    a, b = pd.read_parquet(tmp_path / "one.parquet"), pd.read_parquet(tmp_path / "two.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert a["id"].tolist() == sample["id"].tolist() and one.categories == two.categories
    assert not (tmp_path / "one.parquet.parts").exists()


def test_named_columns_feed_priority(tmp_path: Path, sample: pd.DataFrame) -> None:
    renamed = sample.rename(columns={"text": "body", "created_at": "posted", "author": "handle"})
    renamed.assign(fans=1_000_000).to_csv(tmp_path / "in.csv", index=False)
    columns = ColumnMap(text="body", created_at="posted", author="handle", followers="fans")
    score_archive(tmp_path / "in.csv", tmp_path / "out.csv", columns=columns, now=NOW, jobs=1)
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns[: len(renamed.columns) + 1]) == [*renamed.columns, "fans"]
    assert out["reasons"].str.contains("reach 4").all()  # a million followers: the full reach term
    with pytest.raises(ArchiveError, match="'nope' not found"):
        score_archive(tmp_path / "in.csv", tmp_path / "x.csv", columns=ColumnMap(text="nope"), jobs=1)


def _big_archive(path: Path, sample: pd.DataFrame, copies: int) -> Path:
    frames = [sample.assign(id=[f"{k}-{i}" for i in range(len(sample))]) for k in range(copies)]
    pd.concat(frames).to_csv(path, index=False)
    return path


def test_a_killed_run_resumes_to_the_same_output(tmp_path: Path, sample: pd.DataFrame) -> None:
    source = _big_archive(tmp_path / "in.csv", sample, copies=20)  # 6,000 posts
    command = [sys.executable, "-m", "socialcare", "score", str(source), "--now", "2015-02-25T00:00:00Z",
               "--chunk-size", "150", "--jobs", "1", "-q", "-o"]  # fmt: skip
    subprocess.run([*command, str(tmp_path / "whole.csv")], check=True, timeout=300)
    out = tmp_path / "out.csv"
    run = subprocess.Popen([*command, str(out)])
    parts = tmp_path / "out.csv.parts"
    deadline = time.time() + 120
    while len(list(parts.glob("part-*.json"))) < 5 and time.time() < deadline and run.poll() is None:
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    committed = len(list(parts.glob("part-*.json")))
    assert 5 <= committed < 40 and not out.exists()  # killed mid-way: no output yet
    with pytest.raises(subprocess.CalledProcessError):  # an interrupted run is not silently overwritten
        subprocess.run([*command, str(out)], check=True, timeout=300, capture_output=True)
    subprocess.run([*command, str(out), "--resume"], check=True, timeout=300)
    assert out.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert not parts.exists()


def test_resume_refuses_a_changed_input(tmp_path: Path, sample: pd.DataFrame) -> None:
    source = _big_archive(tmp_path / "in.csv", sample, copies=2)
    parts = tmp_path / "out.csv.parts"
    parts.mkdir()
    (parts / "manifest.json").write_text(json.dumps({"input": str(source.resolve()), "size": 1}), encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot resume: .*size"):
        score_archive(source, tmp_path / "out.csv", resume=True, jobs=1)
    with pytest.raises(InputError, match="--resume"):
        score_archive(source, tmp_path / "out.csv", jobs=1)


def test_dask_on_a_local_cluster_matches_local_scoring(sample: pd.DataFrame, triage) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from socialcare.dask import score_dataframe

    local = triage.route_frame(sample, now=NOW)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster):
        scored = score_dataframe(dd.from_pandas(sample, npartitions=4), now=NOW).compute()
    scored, local = scored.reset_index(drop=True), local.reset_index(drop=True)
    assert list(scored.columns) == list(local.columns) and len(scored) == len(local)
    for column in local.columns:  # same values (Dask stores text as Arrow strings)
        if pd.api.types.is_float_dtype(local[column]):
            pd.testing.assert_series_equal(scored[column], local[column], check_dtype=False)
        else:
            assert scored[column].astype(object).fillna("").tolist() == local[column].astype(object).fillna("").tolist()


def test_cli_dask_engine_with_a_scheduler_address(tmp_path: Path, sample: pd.DataFrame) -> None:
    distributed = pytest.importorskip("distributed")
    from socialcare.cli import main

    sample.to_csv(tmp_path / "in.csv", index=False)
    now = ["--now", "2015-02-25T00:00:00Z"]
    assert main(["score", str(tmp_path / "in.csv"), "-o", str(tmp_path / "local.csv"), "--jobs", "1", *now]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        args = ["score", str(tmp_path / "in.csv"), "-o", str(tmp_path / "dask.csv"), "--engine", "dask",
                "--scheduler", cluster.scheduler_address, *now]  # fmt: skip
        assert main(args) == 0
    local = pd.read_csv(tmp_path / "local.csv", dtype=str, keep_default_na=False)
    remote = pd.read_csv(tmp_path / "dask.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(remote, local)


def test_jsonl_edge_records_are_all_kept_and_exact(tmp_path: Path) -> None:
    path = tmp_path / "edge.jsonl"
    lines = [
        "{}",
        '{"id": 1234567890123456789, "text": "my order never arrived"}',
        '{"text": "thanks"}',
        '{"text": "x", "n": ' + "9" * 5000 + "}",
        '{"likes": 5, "text": "a"}',
        '{"likes": "1.2k", "text": "b"}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = score_archive(path, tmp_path / "out.csv", jobs=1, now=NOW)
    assert (summary.records, summary.rows, summary.rejected) == (6, 5, 1)  # the 5,000-digit number is rejected
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert out.loc[1, "id"] == "1234567890123456789"  # not turned into a float
    summary = score_archive(path, tmp_path / "out.parquet", jobs=1, now=NOW, chunk_size=2)  # mixed kinds of likes
    assert pd.read_parquet(tmp_path / "out.parquet")["negativity"].dtype == "float64" and summary.rows == 5


def test_damaged_compression_and_odd_exports_are_archive_errors_or_rows(tmp_path: Path) -> None:
    body = "id,text\n" + "".join(f"{i},post number {i} about bag {i * 7919 % 1000}\n" for i in range(3000))
    data = bytearray(gzip.compress(body.encode()))
    for i in range(200, 260):  # flip bits inside the deflate stream
        data[i] ^= 0xFF
    broken = tmp_path / "in.csv.gz"
    broken.write_bytes(bytes(data))
    with pytest.raises(ArchiveError):
        read_archive(broken)
    comments = {"comments_v2": [{"timestamp": "yesterday", "data": None}, {"data": [{"comment": {"comment": "hi"}}]}]}
    (tmp_path / "c.json").write_text(json.dumps(comments), encoding="utf-8")
    assert read_archive(tmp_path / "c.json")["text"].tolist()[1] == "hi"


def test_repeated_headers_and_score_named_columns_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("x,x,x.1,status,text\n1,2,3,reviewed,lost my bag\n", encoding="utf-8")
    score_archive(path, tmp_path / "out.csv", jobs=1, now=NOW)
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out.columns[:5]) == ["x", "x.2", "x.1", "status_input", "text"]
    assert out.loc[0, "status_input"] == "reviewed" and out.loc[0, "status"] == "ok"
