"""Scoring on a Dask cluster: a Dask DataFrame in, the same with score and routing columns out.

    import dask.dataframe as dd
    from socialcare.dask import score_dataframe

    scored = score_dataframe(dd.read_csv("s3://bucket/posts-*.csv", dtype=str))
    scored.to_parquet("s3://bucket/scored/")

Each worker process loads the model once (on its first partition) and keeps it.
Needs the ``dask`` extra: ``pip install 'socialcare[dask]'``.
"""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .batch import ColumnMap
    from .triage import Triage

__all__ = ["score_dataframe", "score_files"]


@functools.cache
def _triage(model: str | None, config: str | None) -> Triage:
    """One Triage per worker process and settings (loaded on first use)."""
    from .batch import _make_triage

    return _make_triage(model, config)


def _score_partition(
    frame: pd.DataFrame, columns: dict[str, str], now: datetime, model: str | None, config: str | None
) -> pd.DataFrame:
    from .batch import score_chunk

    return score_chunk(_triage(model, config), frame, columns, now)


def _require_dask() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError:
        raise InputError("scoring with Dask needs the dask extra: pip install 'socialcare[dask]'") from None
    return dd


def score_dataframe(
    ddf: Any,
    *,
    columns: ColumnMap | None = None,
    now: datetime | None = None,
    model: str | None = None,
    config: str | None = None,
) -> Any:
    """A lazy Dask DataFrame: ``ddf`` with the columns of :meth:`Triage.route_frame` added.

    ``now`` defaults to the moment this is called, so every partition measures waiting
    to the same time.
    """
    _require_dask()
    from .batch import ColumnMap

    mapping = (columns or ColumnMap()).resolve([str(c) for c in ddf.columns])
    if "text" not in mapping:
        raise InputError(f"no text column {(columns or ColumnMap()).text!r}; the frame has {list(ddf.columns)[:20]}")
    at = now or datetime.now(timezone.utc)
    meta = _score_partition(ddf._meta, mapping, at, model, config)
    return ddf.map_partitions(_score_partition, mapping, at, model, config, meta=meta)


def score_files(
    source: str,
    output: str,
    *,
    scheduler: str | None = None,
    columns: ColumnMap | None = None,
    now: datetime | None = None,
    model: str | None = None,
    config: str | None = None,
) -> int:
    """Score CSV/TSV, JSONL or Parquet files (a path or glob on storage every worker sees) with a
    Dask cluster at ``scheduler`` (default: a local one), writing ``output`` (one CSV/TSV file,
    or a directory of Parquet part files). Returns the number of rows."""
    dd = _require_dask()
    from distributed import Client

    lower = source.lower()
    if lower.endswith((".csv", ".tsv")):
        frame = dd.read_csv(source, sep="\t" if lower.endswith(".tsv") else ",", dtype=str, keep_default_na=False,
                            blocksize="64MB")  # fmt: skip
    elif lower.endswith((".jsonl", ".ndjson")):
        frame = dd.read_json(source, lines=True, blocksize="64MB")
    elif lower.endswith(".parquet"):
        frame = dd.read_parquet(source)
    else:
        raise InputError(f"--engine dask reads .csv, .tsv, .jsonl or .parquet files, got {source!r}")
    client = Client(scheduler) if scheduler else Client(processes=True)  # type: ignore[no-untyped-call]
    try:
        scored = score_dataframe(frame, columns=columns, now=now, model=model, config=config)
        out = output.lower()
        if out.endswith(".parquet"):
            scored.to_parquet(output, write_index=False)
        elif out.endswith((".csv", ".tsv")):
            scored.to_csv(output, single_file=True, index=False, sep="\t" if out.endswith(".tsv") else ",")
        else:
            raise InputError(f"--engine dask writes .csv, .tsv or .parquet, got {output!r}")
        return int(frame.shape[0].compute())  # reading is cheap next to scoring
    finally:
        client.close()  # type: ignore[no-untyped-call]
