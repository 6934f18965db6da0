"""An archive at a glance: one self-contained HTML file for a care lead.

Sections (each an ``<section id=...>``): ``summary`` (posts, category mix, data quality),
``categories`` (category mix over time), ``sentiment`` (sentiment and escalations over
time), ``escalation-types``, ``queue`` (the posts to answer first, with their reasons),
``alerts`` (spikes of negative and escalation volume, :mod:`socialcare.alerts`) and
``data-quality`` (records read, rejected, text statuses). Charts are drawn with
matplotlib and embedded as inline SVG; the page loads nothing from the network and
runs no script.
"""

from __future__ import annotations

import html
import io
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .types import CATEGORIES, ESCALATION_TYPES, SENTIMENTS

if TYPE_CHECKING:
    import pandas as pd

    from .triage import Triage

__all__ = ["SECTIONS", "build_report", "report_archive"]

#: The ids of the report's sections, in order.
SECTIONS = ("summary", "categories", "sentiment", "escalation-types", "queue", "alerts", "data-quality")
_COLORS = {
    "escalation": "#b2182b",
    "complaint": "#ef8a62",
    "question": "#67a9cf",
    "praise": "#1b7837",
    "other": "#bababa",
    "negative": "#d6604d",
    "neutral": "#bababa",
    "positive": "#4393c3",
}
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#23395d;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;opacity:.85}main{padding:8px 32px 40px;max-width:1180px}
section{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:14px 20px;margin:16px 0}
h2{font-size:18px;margin:4px 0 10px}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:5px 8px;text-align:left;vertical-align:top}th{background:#f3f5f8}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 130px;background:#f3f5f8;border-radius:6px;padding:10px 12px}
.card b{display:block;font-size:22px}.muted{color:#666}.chart svg{max-width:100%;height:auto}
.escalation{color:#b2182b;font-weight:600}
"""


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue and doctype: inline SVG


def _figure(width: float = 10.5, height: float = 3.2) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, selectable
    figure, axes = plt.subplots(figsize=(width, height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _close(figure: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(figure)


def _table(frame: pd.DataFrame, classes: dict[str, str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column, value in row.items():
            css = (classes or {}).get(str(value), "") if column == "category" else ""
            text = f"{value:.1f}" if isinstance(value, float) else str(value)
            cells.append(f'<td class="{css}">{html.escape(text)}</td>' if css else f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{html.escape(title)}</h2>{body}</section>'


def _freq(times: pd.Series) -> str:
    span = times.max() - times.min()
    days = span.total_seconds() / 86400 if span == span else 0
    return "1h" if days <= 3 else "6h" if days <= 14 else "1D" if days <= 120 else "7D"


def build_report(
    scored: pd.DataFrame,
    *,
    time_column: str | None = "created_at",
    group_column: str | None = None,
    text_column: str = "text",
    title: str = "Customer-care posts",
    source: str = "",
    rejected: int = 0,
    top: int = 25,
    now: datetime | None = None,
) -> str:
    """The report of a frame scored by :meth:`Triage.route_frame`, as an HTML document."""
    import pandas as pd

    from .alerts import find_spikes
    from .frames import category_mix, escalations_by_type

    for column in ("category", "priority", "sentiment", "status"):
        if column not in scored.columns:
            raise InputError(f"the frame has no {column!r} column: score it with route_frame first")
    has_time = bool(time_column) and time_column in scored.columns
    times = (
        pd.to_datetime(scored[time_column].astype("string"), utc=True, errors="coerce", format="mixed")
        if has_time
        else None
    )
    counts = scored["category"].astype(str).value_counts()
    n = len(scored)
    statuses = scored["status"].astype(str).value_counts()
    generated = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")

    cards = "".join(
        f'<div class="card">{html.escape(c)}<b style="color:{_COLORS[c]}">{int(counts.get(c, 0)):,}</b>'
        f'<span class="muted">{(counts.get(c, 0) / n if n else 0):.0%}</span></div>'
        for c in CATEGORIES
    )
    span = ""
    if times is not None and times.notna().any():
        span = f" from {times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M} UTC"
    summary = (
        f"<p>{n:,} posts{html.escape(span)}; {int(counts.get('escalation', 0)):,} need a person who can fix "
        f'them (escalations), {int(counts.get("complaint", 0)):,} are complaints.</p><div class="cards">{cards}</div>'
    )
    parts = [_section("summary", "Summary", summary)]

    # Category mix and sentiment over time.
    if times is not None and times.notna().sum() > 1:
        freq = _freq(times[times.notna()])
        mix = category_mix(scored.assign(_t=times), "_t", freq)
        figure, axes = _figure()
        bottom = None
        for category in CATEGORIES:
            values = mix[category]
            axes.bar(mix.index, values, width=pd.Timedelta(freq) * 0.9, bottom=bottom, color=_COLORS[category],
                     label=category, align="edge")  # fmt: skip
            bottom = values if bottom is None else bottom + values
        axes.set_ylabel(f"posts per {freq}")
        axes.legend(ncol=5, frameon=False, loc="upper left")
        parts.append(_section("categories", "Category mix over time", f'<div class="chart">{_svg(figure)}</div>'))
        _close(figure)

        frame = pd.DataFrame(
            {
                "t": times.dt.floor(freq),
                "sentiment": scored["sentiment"].astype(str),
                "escalation": scored["category"].astype(str) == "escalation",
            }
        ).dropna(subset=["t"])
        by_sentiment = frame.groupby(["t", "sentiment"]).size().unstack(fill_value=0)
        escalations = frame.groupby("t")["escalation"].sum()
        figure, axes = _figure()
        for sentiment in SENTIMENTS:
            if sentiment in by_sentiment:
                axes.plot(by_sentiment.index, by_sentiment[sentiment], color=_COLORS[sentiment], label=sentiment)
        axes.plot(escalations.index, escalations.values, color=_COLORS["escalation"], linewidth=2.2,
                  label="escalations")  # fmt: skip
        axes.set_ylabel(f"posts per {freq}")
        axes.legend(ncol=4, frameon=False, loc="upper left")
        parts.append(
            _section("sentiment", "Sentiment and escalations over time", f'<div class="chart">{_svg(figure)}</div>')
        )
        _close(figure)
    else:
        note = '<p class="muted">No time column: the archive has no times to chart.</p>'
        parts.append(_section("categories", "Category mix over time", note))
        parts.append(_section("sentiment", "Sentiment and escalations over time", note))

    # Escalation types.
    types = escalations_by_type(scored) if "escalation_type" in scored.columns else None
    if types is not None and types["escalations"].sum():
        figure, axes = _figure(7.5, 2.8)
        axes.barh(list(reversed(ESCALATION_TYPES)), list(reversed(types["escalations"].tolist())), color="#b2182b")
        axes.set_xlabel("escalations")
        body = f'<div class="chart">{_svg(figure)}</div>'
        _close(figure)
    else:
        body = '<p class="muted">No escalation in this archive.</p>'
    parts.append(_section("escalation-types", "Escalations by type", body))

    # The queue.
    columns = [c for c in (text_column, group_column, time_column) if c and c in scored.columns]
    queue = scored.sort_values("priority", ascending=False, kind="stable").head(top)
    shown = pd.DataFrame({"priority": queue["priority"].astype(float), "category": queue["category"].astype(str)})
    for column in columns:
        shown[column] = queue[column].astype(str).str.slice(0, 280)
    if "reasons" in queue.columns:
        shown["why"] = queue["reasons"].astype(str).str.slice(0, 200)
    parts.append(_section("queue", f"Answer first: the top {len(shown)} by priority",
                          _table(shown, {"escalation": "escalation"})))  # fmt: skip

    # Spike alerts.
    if times is not None and times.notna().sum() > 1:
        report = find_spikes(
            scored.assign(_t=times), time_column="_t", group_column=group_column, text_column=text_column
        )
        if report.alerts:
            rows = pd.DataFrame(
                [
                    {"when (UTC)": f"{a.start:%Y-%m-%d %H:%M} to {a.end:%H:%M}", "group": a.group or "all",
                     "metric": a.metric, "peak count": a.count, "baseline": round(a.baseline, 1),
                     "p-value": f"{a.p_value:.1e}", "example": (a.examples[0] if a.examples else "")[:160]}
                    for a in sorted(report.alerts, key=lambda a: a.p_value)[:15]
                ]
            )  # fmt: skip
            body = (f"<p>{len(report.alerts)} alerts in {report.windows_tested:,} windows of {report.window} tested "
                    "(Poisson tail test against the mean of the previous 24 windows); the 15 strongest:</p>"
                    + _table(rows))  # fmt: skip
        else:
            body = f"<p>No spike in {report.windows_tested:,} windows tested.</p>"
    else:
        body = '<p class="muted">No time column: spikes cannot be looked for.</p>'
    parts.append(_section("alerts", "Spike alerts", body))

    # Data quality.
    quality = pd.DataFrame(
        {"what": ["records read", "rows scored", "records rejected (unreadable)",
                  *[f"text status: {s}" for s in statuses.index]],
         "count": [n + rejected, n, rejected, *statuses.tolist()]}
    )  # fmt: skip
    if times is not None:
        quality.loc[len(quality)] = ["rows without a readable time", int(times.isna().sum())]
    parts.append(_section("data-quality", "Data quality", _table(quality)))

    subtitle = f"{html.escape(source)} &middot; generated {generated} by socialcare"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>{subtitle}</p></header><main>{''.join(parts)}</main>"
        "</body></html>\n"
    )


def report_archive(
    source: str | Path,
    output: str | Path,
    *,
    time_column: str | None = "created_at",
    group_column: str | None = None,
    text_column: str = "text",
    title: str | None = None,
    triage: Triage | None = None,
    now: datetime | None = None,
) -> int:
    """Read (and score, unless already scored) an archive and write its report; returns the rows.

    The archive is held in memory: for very large archives, report on a sample.
    """
    import pandas as pd

    from .archives import iter_chunks

    frames, rejected = [], 0
    for chunk in iter_chunks(source, chunk_size=50_000):
        frames.append(chunk.frame)
        rejected += len(chunk.rejects)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if not all(c in frame.columns for c in ("category", "priority", "sentiment", "status")):  # not scored yet
        if triage is None:
            from . import default_triage

            triage = default_triage()
        frame = triage.route_frame(frame, text_column=text_column, now=now)
    else:
        frame["priority"] = pd.to_numeric(frame["priority"], errors="coerce")
    document = build_report(
        frame,
        time_column=time_column,
        group_column=group_column,
        text_column=text_column,
        title=title or f"Customer-care posts: {Path(source).name}",
        source=str(source),
        rejected=rejected,
        now=now,
    )
    target = Path(output)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(document, encoding="utf-8")
    tmp.replace(target)
    return len(frame)
