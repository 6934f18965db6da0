"""Hostile input, hostile files, many threads and processes.

The property tests here run a few hundred examples each in CI; a longer campaign runs
them with ``pytest tests/test_robustness.py --hypothesis-profile=fuzz``.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialcare import ArchiveError, ConfigError, InputTypeError, Post, SocialCareError
from socialcare.archives import iter_chunks
from socialcare.batch import score_archive
from socialcare.cli import main
from socialcare.priority import PriorityConfig
from socialcare.text import normalize, unspace

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=300)  # every code point, surrogates too
SAMPLE = pd.read_csv(ROOT / "data" / "sample_posts.csv", dtype=str, keep_default_na=False)


# -- normalisation against evasion --------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I will s u e you", "i will sue you"),
        ("calling the N E W S now", "calling the news now"),
        ("ｓ ｕ ｅ", "sue"),  # spaced and full-width
        ("a b", "a b"),  # two letters are left alone
        ("s u e2", "s u e _num_"),  # a run must end at a word boundary
        ("n e v e r  f l y  a g a i n!!", "never fly again ! !"),  # wider gaps between spaced words
    ],
)
def test_spaced_out_letters_are_joined(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@given(ANY_TEXT)
def test_unspace_only_removes_spaces(text: str) -> None:
    assert unspace(text).replace(" ", "") == text.replace(" ", "")


OBFUSCATED = {
    "spaced": lambda w: " ".join(w),
    "full-width": lambda w: "".join(chr(ord(c) + 0xFEE0) for c in w),
    "zero-width": lambda w: "\u200b".join(w),
    "leet": lambda w: w[0] + w[1:-1].replace("e", "3").replace("a", "@").replace("o", "0") + w[-1],
    "look-alike": lambda w: w.replace("a", "а").replace("e", "е").replace("o", "о"),
    "shouted and stretched": lambda w: w.upper()[:2] + w.upper()[1] * 3 + w.upper()[2:],
}
THREATS = {  # clean threat -> the word to disguise
    "If this isn't fixed today I'm calling the news": "news",
    "My lawyer will hear about this": "lawyer",
    "I'm going to sue you for this": "sue",
    "I will report you to the BBB": "report",
    "Never flying with you again, switching to Delta": "switching",
    "I will post this everywhere on social media": "social",
}


@pytest.mark.parametrize("how", sorted(OBFUSCATED))
def test_obfuscated_threats_are_caught_as_well_as_clean_ones(triage, how: str) -> None:
    clean = [triage.score(t).is_escalation for t in THREATS]
    disguised = [triage.score(t.replace(w, OBFUSCATED[how](w))).is_escalation for t, w in THREATS.items()]
    assert sum(clean) == len(THREATS)
    assert sum(disguised) == sum(clean), [t for t, ok in zip(THREATS, disguised, strict=True) if not ok]


# -- fuzzing the public functions ---------------------------------------------------------
def _valid(s) -> None:
    for name in ("negativity", "escalation", "praise", "question", "urgency"):
        value = getattr(s, name)
        assert 0.0 <= value <= 1.0 and not math.isnan(value)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_score_and_route_take_any_text(triage, text: str) -> None:
    first = triage.score(text)
    _valid(first)
    assert triage.score(text) == first  # deterministic
    routing = triage.route(Post(text, followers=10, created_at=NOW), now=NOW)
    assert 0 <= routing.priority <= 100 and routing.reasons


@settings(deadline=None)
@given(st.lists(st.one_of(ANY_TEXT, st.none(), st.integers(), st.floats(), st.binary(max_size=20)), max_size=20))
def test_score_frame_takes_any_cells_and_keeps_every_row(triage, cells) -> None:
    frame = pd.DataFrame({"text": pd.Series(cells, dtype=object), "n": range(len(cells))})
    out = triage.route_frame(frame, now=NOW)
    assert out["n"].tolist() == list(range(len(cells)))
    for cell, status in zip(cells, out["status"], strict=True):
        if not isinstance(cell, str) and cell is not None and not (isinstance(cell, float) and math.isnan(cell)):
            assert status == "invalid"


@pytest.mark.parametrize("bad", [b"bytes are not text", bytearray(b"x"), 12, ["a list"]])
def test_non_text_is_a_type_error_from_the_library(triage, bad) -> None:
    with pytest.raises(InputTypeError):
        triage.score(bad)


# -- fuzzing the archive readers ----------------------------------------------------------
def _read_all(path: Path) -> int:
    """Records read, or -1 when the archive is refused with the library's error."""
    try:
        return sum(chunk.records for chunk in iter_chunks(path, chunk_size=7))
    except ArchiveError:
        return -1


@settings(deadline=None)
@given(
    st.binary(max_size=3000), st.sampled_from([".csv", ".tsv", ".jsonl", ".json", ".parquet", ".csv.gz", ".zip", ""])
)
def test_random_bytes_never_crash_a_reader(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    assert _read_all(path) >= -1


def _valid_archives(folder: Path) -> list[Path]:
    head = SAMPLE.head(40)
    writers = {
        ".csv": lambda p: head.to_csv(p, index=False),
        ".tsv": lambda p: head.to_csv(p, index=False, sep="\t"),
        ".jsonl": lambda p: head.to_json(p, orient="records", lines=True),
        ".json": lambda p: head.to_json(p, orient="records"),
        ".parquet": lambda p: head.to_parquet(p, index=False),
    }
    paths = []
    for suffix, write in writers.items():
        path = folder / f"valid{suffix}"
        if not path.exists():
            write(path)
        paths.append(path)
    return paths


@settings(deadline=None)
@given(st.integers(0, 4), st.floats(0, 1), st.binary(max_size=40), st.booleans())
def test_truncated_and_damaged_archives_never_crash_a_reader(tmp_path_factory, which, cut, noise, gz) -> None:
    folder = tmp_path_factory.mktemp("damaged")
    source = _valid_archives(folder)[which]
    data = source.read_bytes()
    damaged = data[: int(len(data) * cut)] + noise
    path = folder / f"damaged{source.suffix}{'.gz' if gz else ''}"
    path.write_bytes(gzip.compress(damaged) if gz else damaged)
    assert _read_all(path) >= -1


@settings(deadline=None)
@given(
    st.lists(st.lists(st.text(st.sampled_from('ab,"\n\r\t x\x00'), max_size=12), min_size=1, max_size=4), max_size=15)
)
def test_broken_quoting_and_ragged_rows_are_accounted_for(tmp_path_factory, rows) -> None:
    path = tmp_path_factory.mktemp("csv") / "broken.csv"
    body = "id,text\n" + "\n".join(",".join(r) for r in rows) + "\n"
    path.write_text(body, encoding="utf-8")
    chunks = list(iter_chunks(path, chunk_size=4))
    for chunk in chunks:
        assert list(chunk.frame.columns) == ["id", "text"]
        assert all(r.line >= 2 and r.reason for r in chunk.rejects)


def test_a_huge_field_is_scored_truncated_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"text": "bad service " * 200_000}) + "\n" + json.dumps({"text": "ok"}) + "\n")
    summary = score_archive(path, tmp_path / "out.csv", jobs=1, now=NOW)
    assert summary.rows == 2 and summary.statuses == {"truncated": 1, "ok": 1}


def test_surrogates_and_control_characters_survive_every_output_format(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"text": "lost my bag \\udcff \\u0000 \\ud83d"}\n{"text": "fine \\u202e"}\n', encoding="utf-8")
    for suffix in (".csv", ".jsonl", ".parquet"):
        summary = score_archive(path, tmp_path / f"out{suffix}", jobs=1, now=NOW)
        assert summary.rows == 2


# -- fuzzing the configuration loader ------------------------------------------------------
SETTINGS = [f for f in PriorityConfig.__dataclass_fields__]
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6), st.text(max_size=10), st.booleans(),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)  # fmt: skip


@settings(deadline=None)
@given(st.dictionaries(st.one_of(st.sampled_from(SETTINGS), st.text(max_size=8)), VALUES, max_size=5))
def test_any_settings_give_a_config_or_a_config_error(values) -> None:
    try:
        config = PriorityConfig.from_mapping(values)
    except ConfigError:
        return
    assert config.response_target_minutes > 0


@settings(deadline=None)
@given(st.text(max_size=200))
def test_any_toml_text_gives_a_config_or_a_config_error(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("toml") / "p.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(ConfigError):
        PriorityConfig.from_toml(path)


# -- safe model loading through the command line -------------------------------------------
class _Exploit:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def test_a_malicious_model_file_is_refused_by_the_command_line(tmp_path: Path, capsys) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "model.npz"
    evil.write_bytes(pickle.dumps(_Exploit(marker)))
    assert main(["explain", "hello", "--model", str(evil)]) != 0
    assert "cannot be read as a socialcare model" in capsys.readouterr().err
    assert not marker.exists()


# -- concurrency and determinism ----------------------------------------------------------
def test_sixteen_threads_scoring_and_routing_agree_with_a_serial_run(triage) -> None:
    texts = SAMPLE["text"].tolist()
    serial_many = triage.score_many(texts)
    serial_one = [triage.score(t) for t in texts]
    serial_routes = [triage.route(t, now=NOW) for t in texts]

    def work(k: int):
        if k % 3 == 0:
            return triage.score_many(texts)
        if k % 3 == 1:
            return [triage.score(t) for t in texts]
        return [triage.route(t, now=NOW) for t in texts]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(48)))
    for k, result in enumerate(results):
        assert result == [serial_many, serial_one, serial_routes][k % 3]


def test_two_processes_give_identical_results(triage, tmp_path: Path) -> None:
    code = (
        "import json, sys, pandas as pd, socialcare\n"
        "texts = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)['text'].tolist()\n"
        "print(json.dumps([[s.negativity, s.escalation, s.praise, s.question, s.urgency, s.escalation_type]"
        " for s in socialcare.score_many(texts)]))\n"
    )
    path = ROOT / "data" / "sample_posts.csv"
    runs = [subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
            for _ in range(2)]  # fmt: skip
    assert runs[0].stdout == runs[1].stdout
    here = [[s.negativity, s.escalation, s.praise, s.question, s.urgency, s.escalation_type]
            for s in triage.score_many(SAMPLE["text"].tolist())]  # fmt: skip
    assert json.loads(runs[0].stdout) == here


def test_library_errors_are_all_socialcare_errors() -> None:
    for error in (ArchiveError, ConfigError, InputTypeError):
        assert issubclass(error, SocialCareError)


def _obfuscation_eval():
    import importlib.util

    spec = importlib.util.spec_from_file_location("obfuscation_eval", ROOT / "benchmarks" / "obfuscation_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DISGUISES = ["leetspeak", "full-width", "look-alike letters", "zero-width inside", "bidi controls",
             "spaced letters", "elongation", "shouting", "all at once"]  # fmt: skip


@pytest.mark.parametrize("how", DISGUISES)
def test_obfuscated_real_threats_keep_their_recall(triage, how: str) -> None:
    # The held-out gold escalations and the challenge threats, threat words disguised one way at a time.
    ev = _obfuscation_eval()
    cases = [(t, w) for t in ev.threats() if (w := ev.threat_words(t))]
    clean = sum(s.is_escalation for s in triage.score_many([t for t, _ in cases])) / len(cases)
    disguised = [ev.disguise(t, w, ev.OBFUSCATIONS[how]) for t, w in cases]
    recall = sum(s.is_escalation for s in triage.score_many(disguised)) / len(cases)
    assert len(cases) >= 40
    assert recall >= clean - 0.05, f"{how}: recall {recall:.3f} against {clean:.3f} clean"
