"""Reading and writing post archives: CSV/TSV, JSONL and Parquet, chosen by extension.

CSV and TSV cells are read as text, exactly as written (ids never turn into
floats, empty cells stay empty strings), and invalid bytes are replaced rather
than fatal. Every input row is kept: a JSONL line that is not a JSON object is an
error naming its line number.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import ArchiveError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "detect_format", "read_archive", "write_archive"]

#: Extension -> format name.
FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def detect_format(path: str | Path) -> str:
    """The format of ``path`` from its extension."""
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise ArchiveError(
            f"cannot tell the format of {str(path)!r} from its extension {suffix or '(none)'!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        ) from None


def _read_jsonl(path: Path) -> pd.DataFrame:
    import pandas as pd

    records = []
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ArchiveError(f"{path}:{number}: not valid JSON ({exc.msg}); fix or remove that line") from None
            if not isinstance(record, dict):
                raise ArchiveError(f"{path}:{number}: expected a JSON object per line, got {type(record).__name__}")
            records.append(record)
    return pd.DataFrame.from_records(records)


def read_archive(path: str | Path) -> pd.DataFrame:
    """Read a whole archive into a DataFrame (format from the extension)."""
    import pandas as pd

    p = Path(path)
    kind = detect_format(p)
    if not p.is_file():
        raise ArchiveError(f"no such file: {str(p)!r}; check the path")
    try:
        if kind in ("csv", "tsv"):
            return pd.read_csv(
                p,
                sep="\t" if kind == "tsv" else ",",
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding="utf-8",
                encoding_errors="replace",
            )
        if kind == "jsonl":
            return _read_jsonl(p)
        return pd.read_parquet(p)
    except ArchiveError:
        raise
    except pd.errors.EmptyDataError:
        raise ArchiveError(f"{str(p)!r} is empty: it has no header row and no posts") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise ArchiveError(f"cannot read {str(p)!r} as {kind}: {exc}") from None


def write_archive(frame: pd.DataFrame, path: str | Path | None, out: IO[str] | None = None) -> None:
    """Write ``frame`` to ``path`` (format from the extension), or as CSV to ``out``/stdout when
    ``path`` is ``None``."""
    if path is None:
        frame.to_csv(out or sys.stdout, index=False)
        return
    p = Path(path)
    kind = detect_format(p)
    try:
        if kind in ("csv", "tsv"):
            frame.to_csv(p, index=False, sep="\t" if kind == "tsv" else ",")
        elif kind == "jsonl":
            frame.to_json(p, orient="records", lines=True, force_ascii=False, date_format="iso")
        else:
            frame.to_parquet(p, index=False)
    except OSError as exc:
        raise ArchiveError(f"cannot write {str(p)!r}: {exc.strerror or exc}") from None
