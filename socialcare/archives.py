"""Reading post archives in chunks, and writing them.

Formats, told from the extension and, when that says nothing, from the content:

* CSV and TSV, in UTF-8 (with or without BOM) or UTF-16 with BOM, or another encoding
  given by name; invalid bytes become U+FFFD instead of stopping the run. Cells are
  read as text exactly as written (ids never turn into floats).
* JSONL (one JSON object per line), a JSON array of objects, and Parquet.
* The X/Twitter account archive's ``tweets.js`` (``window.YTD.tweets.part0 = [...]``):
  ``text`` (full text), ``id``, ``created_at`` (ISO), ``likes``, ``shares`` (retweets).
* A Facebook export in JSON: Graph API pages (``{"data": [{"message", "created_time",
  "from", ...}]}``) and "Download your information" comments (``comments_v2``):
  ``text``, ``id``, ``created_at``, ``author``.
* Any of these compressed with gzip (``.gz``) or in a zip archive (``.zip``, one file).

Every input record is accounted for: :func:`iter_chunks` yields each chunk's rows
together with the records it had to reject (a CSV row with the wrong number of fields
or an unbalanced quote, a JSON line that does not parse or is not an object), each
with its line number and the reason, so rows in = rows out + rejects. Blank lines are
not records. JSON arrays, ``tweets.js`` and Facebook exports are read whole (they are
exports of one account); CSV, TSV, JSONL and Parquet stream in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import sys
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import ArchiveError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMATS",
    "OUTPUT_FORMATS",
    "Chunk",
    "Reject",
    "detect_format",
    "iter_chunks",
    "read_archive",
    "write_archive",
]

#: Extension -> input format.
FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".js": "tweets.js",
    ".parquet": "parquet",
}
#: Extension -> output format.
OUTPUT_FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_COMPRESSED = (".gz", ".zip")
_MAX_RECORD_LINES = 200  # a quoted CSV field spanning more physical lines than this is a broken quote


@dataclass(frozen=True, slots=True)
class Reject:
    """An input record that could not be read as a row."""

    line: int  # 1-based line (CSV/JSONL) or item number (JSON arrays) where the record starts
    reason: str
    raw: str  # the record's text, cut to 1,000 characters


@dataclass(slots=True)
class Chunk:
    """Consecutive records of an archive: the rows read, and the records rejected."""

    frame: pd.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    position: int = 0  # bytes of the (compressed) file consumed so far, for progress

    @property
    def records(self) -> int:
        return len(self.frame) + len(self.rejects)


# -- telling the format -------------------------------------------------------------
def _suffixes(path: Path) -> tuple[str, str]:
    """(outer, inner) suffixes: ('.gz', '.csv') for posts.csv.gz, ('', '.csv') for posts.csv."""
    name = path.name.lower()
    for outer in _COMPRESSED:
        if name.endswith(outer):
            return outer, Path(name[: -len(outer)]).suffix
    return "", path.suffix.lower()


def _sniff(head: bytes) -> str | None:
    """The format of an archive from its first bytes, when they say it."""
    if head.startswith(b"PAR1"):
        return "parquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"window.YTD."):
        return "tweets.js"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        lines = [ln.strip() for ln in text.split(b"\n")[:3]]
        try:
            json.loads(lines[0])
        except ValueError:
            return "json"
        # one object per line; a file that is a single object (an export) is JSON
        return "jsonl" if len(lines) > 1 and lines[1].startswith(b"{") else "json"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "tsv" if b"\t\x00" in head or b"\x00\t" in head else "csv"
    line = head.split(b"\n", 1)[0]
    if line:
        return "tsv" if line.count(b"\t") > line.count(b",") else "csv"
    return None


def detect_format(path: str | Path, head: bytes = b"") -> str:
    """The input format of ``path``: from its extension (under ``.gz``/``.zip``), else from ``head``."""
    p = Path(path)
    _, inner = _suffixes(p)
    if inner in (".xlsx", ".xls", ".xlsm", ".ods"):
        raise ArchiveError(f"Excel workbooks are not read ({p.name}); save the sheet as CSV UTF-8 and score that file")
    kind = FORMATS.get(inner)
    if kind == "json" and head:
        sniffed = _sniff(head)
        kind = sniffed if sniffed in ("json", "jsonl", "tweets.js") else kind
    if kind is None and head:
        kind = _sniff(head)
    if kind is None:
        raise ArchiveError(
            f"cannot tell the format of {str(p)!r}: use one of {', '.join(sorted(FORMATS))} "
            "(optionally .gz or .zip), or a file whose content shows it"
        )
    return kind


def output_format(path: str | Path) -> str:
    """The output format of ``path`` from its extension."""
    suffix = Path(path).suffix.lower()
    try:
        return OUTPUT_FORMATS[suffix]
    except KeyError:
        raise ArchiveError(
            f"cannot tell the output format of {str(path)!r}; use one of {', '.join(sorted(OUTPUT_FORMATS))}"
        ) from None


# -- opening ------------------------------------------------------------------------
class _Counting(io.RawIOBase):
    """A read-only binary stream that counts the bytes read from the file beneath."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _open_binary(path: Path) -> tuple[Any, _Counting, str]:
    """The decompressed byte stream of ``path``, the counter of file bytes read, and the inner name."""
    if not path.is_file():
        raise ArchiveError(f"no such file: {str(path)!r}; check the path")
    detect_format(path, b"\x00")  # refuses what is known not to be an archive (e.g. Excel) before opening
    counting = _Counting(path.open("rb"))
    raw = io.BufferedReader(counting, buffer_size=1 << 20)
    magic = raw.peek(4)[:4]
    if magic[:2] == b"\x1f\x8b":
        name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
        return gzip.GzipFile(fileobj=raw), counting, name
    if magic == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            counting.close()
            raise ArchiveError(f"{str(path)!r} looks like a zip archive but cannot be opened: {exc}") from None
        members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
        if len(members) != 1:
            names = [m.filename for m in members][:10]
            raise ArchiveError(f"{str(path)!r} holds {len(members)} files {names}; zip one archive per file")
        counting.close()
        try:
            member = archive.open(members[0])
        except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError) as exc:  # e.g. a password
            raise ArchiveError(f"cannot open {members[0].filename!r} in {str(path)!r}: {exc}") from None
        counting = _Counting(member)
        return io.BufferedReader(counting, buffer_size=1 << 20), counting, members[0].filename
    return raw, counting, path.name


def _decoder(raw: Any, encoding: str | None) -> IO[str]:
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    if encoding is None:
        encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ArchiveError(f"unknown encoding {encoding!r}; use a Python codec name such as utf-8 or cp1252") from None
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


# -- readers ------------------------------------------------------------------------
class _Lines:
    """The lines of a text stream, numbered, with NUL characters dropped; lines handed out
    since the last :meth:`take` are remembered and can be pushed back to be read again."""

    def __init__(self, text: IO[str]) -> None:
        self._lines = iter(text)
        self._back: deque[tuple[int, str]] = deque()
        self._taken: list[tuple[int, str]] = []
        self._number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            number, line = self._back.popleft()
        else:
            line = next(self._lines)
            self._number += 1
            number = self._number
            if "\x00" in line:
                line = line.replace("\x00", "")
        self._taken.append((number, line))
        return line

    def take(self) -> list[tuple[int, str]]:
        taken, self._taken = self._taken, []
        return taken

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self._back.extendleft(reversed(lines))


def _csv_records(text: IO[str], sep: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(first line, fields or ``None`` when broken, raw text or reason) of each record.

    Blank lines are skipped. A record whose quoted field does not close within a few
    hundred lines (or that the csv module cannot read) is rejected on its first line
    and reading resumes on the next, so one stray quote costs one row.
    """
    lines = _Lines(text)
    while True:
        reader = csv.reader(lines, delimiter=sep, strict=True)
        try:
            for fields in reader:
                taken = lines.take()
                if len(taken) > _MAX_RECORD_LINES:
                    yield taken[0][0], None, f"unbalanced quote: a quoted field never closes\x00{taken[0][1]}"
                    lines.push_back(taken[1:])
                    break
                if fields:
                    yield taken[0][0], fields, "".join(line for _, line in taken).rstrip("\r\n")
            else:
                return
        except csv.Error as exc:
            taken = lines.take()
            if not taken:
                return
            yield taken[0][0], None, f"unreadable CSV record ({exc})\x00{taken[0][1]}"
            lines.push_back(taken[1:])


def _csv_chunks(text: IO[str], sep: str, size: int, counter: _Counting) -> Iterator[Chunk]:
    import pandas as pd

    records = _csv_records(text, sep)
    first = next(records, None)
    if first is None:
        raise ArchiveError("the archive is empty: it has no header row and no posts")
    header = _unique([h.strip() for h in (first[1] or [])])
    width = len(header)
    rows: list[list[str]] = []
    rejects: list[Reject] = []
    for line, fields, raw in records:
        if fields is None:
            reason, _, body = raw.partition("\x00")
            rejects.append(Reject(line, reason, body[:1000]))
        elif len(fields) != width:
            rejects.append(Reject(line, f"expected {width} fields, got {len(fields)}", raw[:1000]))
        else:
            rows.append(fields)
        if len(rows) + len(rejects) >= size:
            yield Chunk(pd.DataFrame(rows, columns=header, dtype=str), rejects, counter.count)
            rows, rejects = [], []
    yield Chunk(pd.DataFrame(rows, columns=header, dtype=str), rejects, counter.count)


def _unique(names: list[str]) -> list[str]:
    """Header names made unique: a repeated name gets ``.1``, ``.2``, ... (never one already taken)."""
    taken = set(names)
    seen: set[str] = set()
    out = []
    for name in names:
        name = name or "column"
        if name in seen:
            k = 1
            while f"{name}.{k}" in taken or f"{name}.{k}" in seen:
                k += 1
            name = f"{name}.{k}"
        seen.add(name)
        out.append(name)
    return out


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Records as rows, values kept as they were parsed (no int -> float), one row per record
    even when a record has no keys."""
    import pandas as pd

    frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame()
    if len(frame) != len(records):
        frame = pd.DataFrame(index=range(len(records)))
    return frame


def _jsonl_chunks(text: IO[str], size: int, counter: _Counting) -> Iterator[Chunk]:

    records: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if "\\ud" in line or "\\uD" in line:  # an escaped surrogate: no valid text can hold it alone
                record = _clean_json(record)
        except json.JSONDecodeError as exc:
            rejects.append(Reject(number, f"not valid JSON ({exc.msg})", line.strip()[:1000]))
        except (ValueError, RecursionError) as exc:  # e.g. a number too long, nesting too deep
            rejects.append(Reject(number, f"JSON that cannot be read ({type(exc).__name__}: {exc})"[:200], line[:1000]))
        else:
            if isinstance(record, dict):
                records.append(record)
            else:
                rejects.append(Reject(number, f"expected a JSON object, got {type(record).__name__}", line[:1000]))
        if len(records) + len(rejects) >= size:
            yield Chunk(_records_frame(records), rejects, counter.count)
            records, rejects = [], []
    yield Chunk(_records_frame(records), rejects, counter.count)


def _x_time(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").isoformat()
    except ValueError:
        return value


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _tweets_js(document: str) -> list[Any]:
    start = document.find("[")
    if start < 0:
        raise ArchiveError("not an X/Twitter archive tweets.js: no JSON array after 'window.YTD...='")
    items = json.loads(document[start:])
    out: list[Any] = []
    for item in items:
        tweet = item.get("tweet", item) if isinstance(item, dict) else item
        if not isinstance(tweet, dict):
            out.append(tweet)
            continue
        out.append(
            {
                "id": tweet.get("id_str") or tweet.get("id"),
                "created_at": _x_time(tweet.get("created_at")),
                "text": tweet.get("full_text", tweet.get("text")),
                "likes": _int(tweet.get("favorite_count")),
                "shares": _int(tweet.get("retweet_count")),
                "lang": tweet.get("lang"),
                "in_reply_to": tweet.get("in_reply_to_screen_name"),
            }
        )
    return out


def _facebook(document: Any) -> list[Any] | None:
    """Facebook export records, or ``None`` when ``document`` is not one."""
    if isinstance(document, dict) and isinstance(document.get("data"), list):  # Graph API page
        return [
            {
                "id": d.get("id"),
                "created_at": d.get("created_time"),
                "text": d.get("message"),
                "author": (d.get("from") or {}).get("name") if isinstance(d.get("from"), dict) else None,
                "likes": _int(d.get("like_count")),
                "replies": _int(d.get("comment_count")),
            }
            if isinstance(d, dict)
            else d
            for d in document["data"]
        ]
    items = None
    if isinstance(document, dict):
        items = document.get("comments_v2") or document.get("comments")
    if isinstance(items, list) and items and isinstance(items[0], dict) and "data" in items[0]:
        out: list[Any] = []
        for item in items:
            comment: dict[str, Any] = {}
            entries = item.get("data") if isinstance(item, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and isinstance(entry.get("comment"), dict):
                    comment = entry["comment"]
            stamp = comment.get("timestamp") or (item.get("timestamp") if isinstance(item, dict) else None)
            stamp = stamp if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) else None
            out.append(
                {
                    "id": None,
                    "created_at": datetime.fromtimestamp(stamp).astimezone().isoformat() if stamp else None,
                    "text": comment.get("comment"),
                    "author": comment.get("author"),
                    "title": item.get("title") if isinstance(item, dict) else None,
                }
            )
        return out
    return None


def _json_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    if not records or not any(records):
        return _records_frame(records)
    frame = pd.json_normalize(records)
    return frame.astype(object) if len(frame) == len(records) else _records_frame(records)


def _json_chunks(text: IO[str], kind: str, size: int, counter: _Counting) -> Iterator[Chunk]:

    document = text.read()
    items: list[Any] | None
    try:
        if kind == "tweets.js":
            items = _tweets_js(document)
        else:
            parsed = json.loads(document)
            if "\\ud" in document or "\\uD" in document:
                parsed = _clean_json(parsed)
            items = _facebook(parsed) if not isinstance(parsed, list) else None
            if items is None:
                items = parsed if isinstance(parsed, list) else None
            if items is None:
                what = list(parsed)[:10] if isinstance(parsed, dict) else type(parsed).__name__
                raise ArchiveError(
                    "a JSON archive must be an array of objects, an X tweets.js or a Facebook export; "
                    f"got an object with keys {what}"
                )
    except json.JSONDecodeError as exc:
        raise ArchiveError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    records: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict):
            records.append(item)
        else:
            rejects.append(Reject(number, f"item {number} is a {type(item).__name__}, not an object", str(item)[:1000]))
        if len(records) + len(rejects) >= size:
            yield Chunk(_json_frame(records), rejects, counter.count)
            records, rejects = [], []
    yield Chunk(_json_frame(records), rejects, counter.count)


def _parquet_chunks(raw: IO[bytes], size: int, counter: _Counting) -> Iterator[Chunk]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source: Any = raw
    if not getattr(raw, "seekable", lambda: False)() or isinstance(raw, gzip.GzipFile):
        source = io.BytesIO(raw.read())
    try:
        parquet = pq.ParquetFile(source)
        batches = parquet.iter_batches(batch_size=size)
        empty = parquet.schema_arrow.empty_table().to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise ArchiveError(f"cannot read Parquet: {exc}") from None
    any_batch = False
    for batch in batches:
        any_batch = True
        yield Chunk(batch.to_pandas(), [], counter.count)
    if not any_batch:
        yield Chunk(empty, [], counter.count)


def iter_chunks(
    path: str | Path, *, chunk_size: int = 50_000, encoding: str | None = None, kind: str | None = None
) -> Iterator[Chunk]:
    """Read an archive chunk by chunk (at most ``chunk_size`` records each; at least one chunk).

    ``kind`` overrides the detected format (one of the values of :data:`FORMATS`).
    """
    if chunk_size < 1:
        raise ArchiveError(f"chunk_size must be >= 1, got {chunk_size}")
    p = Path(path)
    raw, counter, inner = _open_binary(p)
    try:
        head = raw.peek(4096)[:4096] if hasattr(raw, "peek") else b""
        kind = kind or detect_format(Path(inner), head)
        if kind == "parquet":
            yield from _parquet_chunks(raw, chunk_size, counter)
            return
        text = _decoder(raw, encoding)
        if kind in ("csv", "tsv"):
            yield from _csv_chunks(text, "\t" if kind == "tsv" else ",", chunk_size, counter)
        elif kind == "jsonl":
            yield from _jsonl_chunks(text, chunk_size, counter)
        elif kind in ("json", "tweets.js"):
            yield from _json_chunks(text, kind, chunk_size, counter)
        else:
            raise ArchiveError(f"unknown format {kind!r}; use one of {sorted(set(FORMATS.values()))}")
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile, zlib.error, RuntimeError) as exc:
        raise ArchiveError(f"cannot read {str(p)!r}: {exc}") from None
    finally:
        raw.close()


def read_archive(path: str | Path, *, encoding: str | None = None) -> pd.DataFrame:
    """Read a whole archive into one DataFrame (rejected records are an error naming the first)."""
    import pandas as pd

    frames = []
    for chunk in iter_chunks(path, chunk_size=200_000, encoding=encoding):
        if chunk.rejects:
            bad = chunk.rejects[0]
            raise ArchiveError(
                f"{path}:{bad.line}: {bad.reason}; fix that record, or use `socialcare score` which sets "
                "rejected records aside"
            )
        frames.append(chunk.frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def write_archive(frame: pd.DataFrame, path: str | Path | None, out: IO[str] | None = None) -> None:
    """Write ``frame`` to ``path`` (format from the extension), or as CSV to ``out``/stdout when
    ``path`` is ``None``."""
    if path is None:
        frame.to_csv(out or sys.stdout, index=False)
        return
    p = Path(path)
    kind = output_format(p)
    try:
        write_part(frame, p, kind, header=True)
    except OSError as exc:
        raise ArchiveError(f"cannot write {str(p)!r}: {exc.strerror or exc}") from None


def _clean_json(value: Any) -> Any:
    """``value`` with lone surrogates in its strings replaced (they cannot be stored as text)."""
    if isinstance(value, str):
        return _encodable(value)
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


def _encodable(value: object) -> object:
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (from JSON escapes or bad decoding)
            return value.encode("utf-8", "replace").decode("utf-8")
    return value


def write_part(frame: pd.DataFrame, path: Path, kind: str, *, header: bool) -> None:
    """Write one chunk of output as a whole file of ``kind`` (CSV parts may omit the header).

    Text that UTF-8 cannot encode (lone surrogates) is written with ``?`` in their place."""
    import pandas as pd

    text_columns = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype).startswith("str")]
    if text_columns:
        frame = frame.copy()
        for column in text_columns:  # element by element: Series.map would re-infer (int ids -> floats)
            values = frame[column].tolist()
            cleaned = [_encodable(v) for v in values]
            if cleaned != values:
                frame[column] = pd.Series(cleaned, index=frame.index, dtype=frame[column].dtype)
    if kind in ("csv", "tsv"):
        frame.to_csv(path, index=False, header=header, sep="\t" if kind == "tsv" else ",")
    elif kind == "jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
        if len(frame) == 0:
            path.write_text("", encoding="utf-8")
    else:
        import pyarrow as pa

        try:
            frame.to_parquet(path, index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            # A column of mixed kinds (5 in one record, "1.2k" in the next): written as text.
            mixed = {c: "string" for c in frame.columns if frame[c].dtype == object}
            frame.astype(mixed).to_parquet(path, index=False)
