"""Scoring an archive of any size: streamed in chunks, on every core, crash-safe and resumable.

:func:`score_archive` reads the input chunk by chunk (:func:`socialcare.archives.iter_chunks`),
scores chunks in worker processes (each loads the model once) while keeping their
order, and writes each scored chunk as a numbered *part* in ``OUTPUT.parts/`` (data
first, then a small JSON record that commits it). When every chunk is done the parts
are joined into a temporary file that is then renamed to ``OUTPUT``, so ``OUTPUT``
only ever appears complete. A run killed at any moment (even ``kill -9``) leaves the
committed parts; ``resume=True`` checks that the input and settings are the same,
skips the records of those parts and goes on, so nothing is lost or written twice.

Records that cannot be read as rows go to ``OUTPUT.rejects.csv`` (line, reason, raw
text); the summary satisfies records read = rows written + rejected. Memory stays
bounded: at most about two chunks per worker are in flight.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import shutil
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .archives import Chunk, iter_chunks, output_format, write_part
from .errors import ArchiveError, ColumnNotFoundError, InputError

if TYPE_CHECKING:
    import pandas as pd

    from .triage import Triage

__all__ = ["ColumnMap", "RunSummary", "score_archive", "score_chunk"]

#: Settings of a post that priority uses, and the column each is read from by default.
CANONICAL = ("created_at", "author", "followers", "likes", "shares", "replies", "platform")


@dataclass(frozen=True)
class ColumnMap:
    """Which input column holds what. ``None``: the column of the canonical name, if any."""

    text: str = "text"
    id: str | None = None
    created_at: str | None = None
    author: str | None = None
    followers: str | None = None
    likes: str | None = None
    shares: str | None = None
    replies: str | None = None
    platform: str | None = None

    def resolve(self, columns: list[str]) -> dict[str, str]:
        """canonical name -> input column, for the columns present; raises for a named column that is missing."""
        out: dict[str, str] = {}
        for name in ("text", *CANONICAL):
            given = getattr(self, name)
            if given is not None and given not in columns:
                raise ColumnNotFoundError(
                    f"column {given!r} not found (given for the post's {name}); the archive has {columns[:20]}"
                )
            if given is not None:
                out[name] = given
            elif name in columns:
                out[name] = name
        if self.id is not None and self.id not in columns:
            raise ColumnNotFoundError(
                f"column {self.id!r} not found (given for the id); the archive has {columns[:20]}"
            )
        return out


@dataclass
class RunSummary:
    """What a run read, wrote and set aside."""

    records: int = 0  # records read (rows + rejected)
    rows: int = 0  # rows written
    rejected: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # ok / empty / invalid / truncated
    categories: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    output: str | None = None
    rejects_path: str | None = None
    resumed_parts: int = 0

    def add(self, other: Mapping[str, Any]) -> None:
        self.records += int(other["records"])
        self.rows += int(other["rows"])
        self.rejected += int(other["rejected"])
        for key in ("statuses", "categories"):
            target = getattr(self, key)
            for name, count in other[key].items():
                target[name] = target.get(name, 0) + int(count)


# -- scoring one chunk (in a worker or in-process) ---------------------------------------
_WORKER: dict[str, Any] = {}


def _make_triage(model: str | None, config: str | None) -> Triage:
    from .priority import PriorityConfig
    from .triage import Triage

    return Triage(model, priority=PriorityConfig.from_toml(config) if config else None)


def _die_with_parent() -> None:
    """On Linux, end this worker when the process that started it dies (even by kill -9)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _init_worker(model: str | None, config: str | None) -> None:
    _die_with_parent()
    # Forked workers find the parent's model already loaded (its arrays stay shared with the
    # parent until written, which they never are); other start methods load their own.
    if "triage" not in _WORKER:
        _WORKER["triage"] = _make_triage(model, config)


def score_chunk(triage: Triage, frame: pd.DataFrame, columns: Mapping[str, str], now: datetime | None) -> pd.DataFrame:
    """``frame`` with the score and routing columns added, reading each setting from ``columns``."""
    import pandas as pd

    view = pd.DataFrame(index=frame.index)
    view["text"] = frame[columns["text"]] if "text" in columns and columns["text"] in frame else None
    for name in CANONICAL:
        if name in columns and columns[name] in frame:
            view[name] = frame[columns[name]]
    scored = triage.route_frame(view, text_column="text", now=now)
    added = [c for c in scored.columns if c not in view.columns]
    # An input column named like a score column (a file scored before) is kept as NAME_input.
    out = frame.rename(columns={c: f"{c}_input" for c in added if c in frame.columns})
    for column in added:
        out[column] = scored[column]
    return out


def _score_in_worker(frame: pd.DataFrame, columns: Mapping[str, str], now: datetime | None) -> pd.DataFrame:
    return score_chunk(_WORKER["triage"], frame, columns, now)


# -- the run -------------------------------------------------------------------------------
def _fingerprint(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"input": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _commit_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _part_paths(parts: Path, index: int, kind: str) -> tuple[Path, Path]:
    ext = {"csv": "csv", "tsv": "tsv", "jsonl": "jsonl", "parquet": "parquet"}[kind]
    return parts / f"part-{index:06d}.{ext}", parts / f"part-{index:06d}.json"


def _completed_parts(parts: Path, kind: str) -> int:
    done = 0
    while all(p.exists() for p in _part_paths(parts, done, kind)):
        done += 1
    for leftover in parts.glob("part-*"):  # parts after the first gap: never committed, or orphaned
        try:
            number = int(leftover.name.split(".")[0].split("-")[1])
        except (IndexError, ValueError):
            continue
        if number >= done:
            leftover.unlink()
    return done


def score_archive(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    columns: ColumnMap | None = None,
    now: datetime | None = None,
    chunk_size: int = 10_000,
    jobs: int | None = None,
    model: str | None = None,
    config: str | None = None,
    encoding: str | None = None,
    resume: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
) -> RunSummary:
    """Score every post of ``source`` into ``output`` (CSV, TSV, JSONL or Parquet by extension).

    ``jobs``: worker processes (default: every core; 1 scores in this process).
    ``now``: the moment waiting is measured to (default: when the run started; kept on resume).
    ``progress(records, bytes_read, bytes_total)`` is called after each chunk.
    """
    started = time.perf_counter()
    src, out = Path(source), Path(output)
    kind = output_format(out)
    columns = columns or ColumnMap()
    if chunk_size < 1:
        raise InputError(f"chunk_size must be >= 1, got {chunk_size}")
    jobs = os.cpu_count() or 1 if jobs is None else jobs
    if jobs < 1:
        raise InputError(f"jobs must be >= 1, got {jobs}")
    if not src.is_file():
        raise ArchiveError(f"no such file: {str(src)!r}; check the path")
    if out.resolve() == src.resolve():
        raise InputError("the output would overwrite the input; write to another file")
    parts = out.with_name(out.name + ".parts")
    manifest = {
        "version": __version__,
        **_fingerprint(src),
        "chunk_size": chunk_size,
        "columns": asdict(columns),
        "output_kind": kind,
        "model": model,
        "config": config,
        "encoding": encoding,
    }
    local = _make_triage(model, config)  # settings and model checked here, before any worker starts
    chunks = iter_chunks(src, chunk_size=chunk_size, encoding=encoding)
    first = next(chunks)
    resolved = _resolve(columns, first)
    done = 0
    if parts.exists():
        if not resume:
            raise InputError(
                f"an interrupted run left {str(parts)!r}; pass --resume to continue it, or delete it to start over"
            )
        try:
            saved = json.loads((parts / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise InputError(f"{str(parts)!r} has no readable manifest; delete it to start over") from None
        changed = sorted(k for k in manifest if saved.get(k) != manifest[k])
        if changed:
            raise InputError(
                f"cannot resume: {', '.join(changed)} changed since the interrupted run; delete "
                f"{str(parts)!r} to start over"
            )
        now = datetime.fromisoformat(saved["now"])
        done = _completed_parts(parts, kind)
    else:
        parts.mkdir(parents=True)
        now = now or datetime.now(timezone.utc)
        _commit_json(parts / "manifest.json", {**manifest, "now": now.isoformat()})

    summary = RunSummary(output=str(out), resumed_parts=done)
    for index in range(done):
        summary.add(json.loads(_part_paths(parts, index, kind)[1].read_text(encoding="utf-8")))
    total_bytes = src.stat().st_size

    def finish(index: int, chunk: Chunk, scored: pd.DataFrame) -> None:
        data, meta = _part_paths(parts, index, kind)
        tmp = data.with_name(data.name + ".tmp")
        write_part(scored, tmp, kind, header=index == 0)
        os.replace(tmp, data)
        record = {
            "records": chunk.records,
            "rows": len(scored),
            "rejected": len(chunk.rejects),
            "rejects": [asdict(r) for r in chunk.rejects],
            "statuses": dict(Counter(scored["status"].astype(str))) if len(scored) else {},
            "categories": dict(Counter(scored["category"].astype(str))) if len(scored) else {},
            "columns": [str(c) for c in scored.columns],
        }
        _commit_json(meta, record)
        summary.add(record)
        if progress is not None:
            progress(summary.records, chunk.position, total_bytes)

    pending: deque[tuple[int, Chunk, Future[pd.DataFrame]]] = deque()
    pool = None
    try:
        if jobs > 1:
            _WORKER["triage"] = local
            context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
            pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(model, config))
        for index, chunk in enumerate(_skip(itertools.chain([first], chunks), done), start=done):
            if pool is not None:
                pending.append((index, chunk, pool.submit(_score_in_worker, chunk.frame, resolved, now)))
                while len(pending) > 2 * jobs:
                    i, c, f = pending.popleft()
                    finish(i, c, f.result())
            else:
                finish(index, chunk, score_chunk(local, chunk.frame, resolved, now))
        while pending:
            i, c, f = pending.popleft()
            finish(i, c, f.result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _WORKER.pop("triage", None)

    _assemble(parts, out, kind)
    rejects = out.with_name(out.name + ".rejects.csv")
    if summary.rejected:
        _write_rejects(parts, kind, rejects)
        summary.rejects_path = str(rejects)
    elif rejects.exists():
        rejects.unlink()
    shutil.rmtree(parts)
    summary.seconds = time.perf_counter() - started
    return summary


def _resolve(columns: ColumnMap, first: Chunk) -> dict[str, str]:
    names = [str(c) for c in first.frame.columns]
    resolved = columns.resolve(names)
    if "text" not in resolved and (names or first.records):
        raise ColumnNotFoundError(
            f"column {columns.text!r} not found; the archive has {names[:20]}; "
            "pass --text-column with the name of the column holding the post text"
        )
    return resolved


def _skip(chunks: Iterator[Chunk], count: int) -> Iterator[Chunk]:
    for index, chunk in enumerate(chunks):
        if index >= count:
            yield chunk


def _assemble(parts: Path, out: Path, kind: str) -> None:
    """Join the parts into ``out`` through a temporary file renamed at the end."""
    files = sorted(p for p in parts.glob(f"part-*.{kind}"))
    tmp = out.with_name(out.name + ".tmp")
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schemas = [pq.read_schema(f) for f in files]
        try:
            schema = pa.unify_schemas(schemas, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            schema = _union_schema(schemas)
        tables = (pq.read_table(f) for f in files)
        writer = None
        try:
            for table in tables:
                table = _conform(table, schema)
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(tmp, schema)
                writer.write_table(table.cast(schema) if table.schema != schema else table)
        finally:
            if writer is not None:
                writer.close()
    elif kind in ("csv", "tsv") and not _same_columns(parts):
        _assemble_csv_union(parts, files, tmp, kind)
    else:
        with tmp.open("wb") as sink:
            for f in files:
                with f.open("rb") as part:
                    shutil.copyfileobj(part, sink, 1 << 20)
            sink.flush()
            os.fsync(sink.fileno())
    os.replace(tmp, out)


def _part_columns(parts: Path) -> list[list[str]]:
    metas = sorted(parts.glob("part-*.json"))
    return [json.loads(m.read_text(encoding="utf-8")).get("columns", []) for m in metas]


def _same_columns(parts: Path) -> bool:
    return len({tuple(c) for c in _part_columns(parts)}) <= 1


def _assemble_csv_union(parts: Path, files: list[Path], tmp: Path, kind: str) -> None:
    """CSV parts whose columns differ (JSON input with keys that come and go): every part
    re-written with the union of the columns, in order of first appearance."""
    import pandas as pd

    sep = "\t" if kind == "tsv" else ","
    per_part = _part_columns(parts)
    union = list(dict.fromkeys(c for cols in per_part for c in cols))
    with tmp.open("w", encoding="utf-8", newline="") as sink:
        for index, (f, cols) in enumerate(zip(files, per_part, strict=True)):
            frame = pd.read_csv(f, sep=sep, dtype=str, keep_default_na=False, header=0 if index == 0 else None,
                                names=None if index == 0 else cols)  # fmt: skip
            frame.reindex(columns=union).to_csv(sink, index=False, header=index == 0, sep=sep)


def _union_schema(schemas: list[Any]) -> Any:
    """Every column of every part, in order of first appearance; a column whose types cannot be
    reconciled across parts becomes text."""
    import pyarrow as pa

    names = list(dict.fromkeys(name for schema in schemas for name in schema.names))
    fields = []
    for name in names:
        own = [pa.schema([schema.field(name)]) for schema in schemas if name in schema.names]
        try:
            fields.append(pa.unify_schemas(own, promote_options="permissive").field(name))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def _conform(table: Any, schema: Any) -> Any:
    """``table`` with the unified schema's columns and types (text when types disagree)."""
    import pyarrow as pa

    if schema is None:
        return table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
    columns = []
    for f in schema:
        if f.name in table.column_names:
            columns.append(table[f.name].cast(f.type))
        else:
            columns.append(pa.nulls(len(table), f.type))
    return pa.table(columns, schema=schema)


def _write_rejects(parts: Path, kind: str, path: Path) -> None:
    import csv

    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "reason", "raw"])
        for meta in sorted(parts.glob("part-*.json")):
            for reject in json.loads(meta.read_text(encoding="utf-8"))["rejects"]:
                writer.writerow([reject["line"], reject["reason"], reject["raw"]])
    os.replace(tmp, path)
