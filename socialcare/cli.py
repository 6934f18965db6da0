"""The ``socialcare`` command: score archives, find spikes, check replies, explain, train, evaluate.

Only this module prints. Errors become one line on stderr naming what was wrong
and how to fix it, with exit code 2 for bad usage or input and 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .errors import InputError, SocialCareError

_SAMPLE_HINT = "e.g. socialcare score data/sample_posts.csv -o scored.csv"


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--now {value!r} is not an ISO 8601 time; write e.g. 2017-10-31T22:10:47Z") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _triage(model: str | None, config: str | None = None):  # type: ignore[no-untyped-def]
    from .priority import PriorityConfig
    from .triage import Triage

    return Triage(model, priority=PriorityConfig.from_toml(config) if config else None)


class _Progress:
    """rows, rows/s and ETA on one stderr line, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()

    def __call__(self, records: int, position: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        rate = records / elapsed
        share = position / total if total else 0.0
        eta = elapsed * (1 - share) / share if share > 0 else 0.0
        print(
            f"\r{records:,} rows  {rate:,.0f} rows/s  {share:4.0%}  ETA {eta:4.0f}s ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def close(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def _columns(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .batch import ColumnMap

    return ColumnMap(
        text=args.text_column,
        id=args.id_column,
        created_at=args.time_column,
        author=args.author_column,
        followers=args.followers_column,
        likes=args.likes_column,
        shares=args.shares_column,
        replies=args.replies_column,
        platform=args.platform_column,
    )


def _cmd_score(args: argparse.Namespace) -> int:
    from .batch import score_archive, score_chunk

    now = _parse_now(args.now)
    if args.engine == "dask":
        from .dask import score_files

        if not args.output:
            raise InputError("--engine dask needs -o OUTPUT (on storage the workers share)")
        rows = score_files(args.input, args.output, scheduler=args.scheduler, columns=_columns(args), now=now,
                           model=args.model, config=args.config)  # fmt: skip
        print(f"scored {rows} posts from {args.input} into {args.output} with dask", file=sys.stderr)
        return 0
    if not args.output:  # CSV on stdout, chunk by chunk
        from .archives import iter_chunks

        triage = _triage(args.model, args.config)
        columns = _columns(args)
        resolved = None
        header = True
        for chunk in iter_chunks(args.input, chunk_size=args.chunk_size, encoding=args.encoding):
            if resolved is None:
                resolved = columns.resolve([str(c) for c in chunk.frame.columns])
            for reject in chunk.rejects:
                print(f"socialcare score: rejected line {reject.line}: {reject.reason}", file=sys.stderr)
            scored = score_chunk(triage, chunk.frame, resolved, now or datetime.now(timezone.utc))
            scored.to_csv(sys.stdout, index=False, header=header)
            header = False
        return 0
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    try:
        summary = score_archive(
            args.input,
            args.output,
            columns=_columns(args),
            now=now,
            chunk_size=args.chunk_size,
            jobs=args.jobs,
            model=args.model,
            config=args.config,
            encoding=args.encoding,
            resume=args.resume,
            progress=progress,
        )
    finally:
        progress.close()
    mix = ", ".join(
        f"{k} {summary.categories.get(k, 0)}" for k in ("escalation", "complaint", "question", "praise", "other")
    )
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(summary.statuses.items()))
    rejected = f"; {summary.rejected} rejected -> {summary.rejects_path}" if summary.rejected else "; 0 rejected"
    resumed = f" (resumed after {summary.resumed_parts} chunks)" if summary.resumed_parts else ""
    rate = summary.records / summary.seconds if summary.seconds else 0.0
    if not args.quiet:
        print(
            f"read {summary.records} records from {args.input}, wrote {summary.rows} rows to "
            f"{args.output}{rejected}; "
            f"{mix}; text status: {statuses}; {summary.seconds:.1f}s ({rate:,.0f} rows/s){resumed}",
            file=sys.stderr,
        )
    return 0


def _cmd_alerts(args: argparse.Namespace) -> int:
    from .alerts import find_spikes
    from .archives import read_archive

    frame = read_archive(args.input)
    report = find_spikes(
        frame,
        time_column=args.time_column,
        group_column=args.group_column,
        text_column=args.text_column,
        window=args.window,
        history=args.history,
        alpha=args.alpha,
        min_count=args.min_count,
        triage=_triage(args.model, args.config),
    )
    if args.json:
        rows = [
            {
                "metric": a.metric,
                "group": a.group,
                "start": a.start.isoformat(),
                "end": a.end.isoformat(),
                "peak": a.peak.isoformat(),
                "count": a.count,
                "baseline": round(a.baseline, 3),
                "p_value": a.p_value,
                "total": a.total,
                "examples": list(a.examples),
            }
            for a in report.alerts
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for alert in report.alerts:
            print(alert.describe())
            for example in alert.examples:
                print(f"    {example[:140]!r}")
    skipped = f", {report.rows_without_time} without a readable time (not counted)" if report.rows_without_time else ""
    print(
        f"{len(report.alerts)} alerts in {report.windows_tested} windows of {report.window} tested "
        f"({report.rows} posts{skipped})",
        file=sys.stderr,
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import report_archive

    rows = report_archive(
        args.input,
        args.output,
        time_column=args.time_column,
        group_column=args.group_column,
        text_column=args.text_column,
        title=args.title,
        triage=_triage(args.model, args.config),
        now=_parse_now(args.now),
    )
    print(f"wrote {args.output}: report of {rows} posts from {args.input}", file=sys.stderr)
    return 0


def _cmd_check_reply(args: argparse.Namespace) -> int:
    from .replies import check_reply

    triage = _triage(args.model) if args.category is None else None
    findings = check_reply(args.post, args.reply, category=args.category, triage=triage)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False))
        return 0
    if not findings:
        print("no findings: the reply follows every check")
    for f in findings:
        text = args.reply if f.target == "reply" else args.post
        quoted = text[f.span[0] : f.span[1]]
        where = f"{f.target} {f.span[0]}-{f.span[1]}"
        shown = f" {quoted[:60]!r}" if f.target == "reply" else ""
        print(f"{f.severity}: {f.code}: {f.message} [{where}{shown}]")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .types import Post

    post = Post(
        text=args.text,
        followers=args.followers,
        likes=args.likes,
        shares=args.shares,
        replies=args.replies,
        author=args.author,
        platform=args.platform,
    )
    routing = _triage(args.model, args.config).route(post)
    s = routing.scores
    if args.json:
        print(
            json.dumps(
                {
                    "category": routing.category,
                    "priority": routing.priority,
                    "reasons": list(routing.reasons),
                    "breakdown": routing.breakdown,
                    "scores": {
                        "negativity": s.negativity,
                        "escalation": s.escalation,
                        "escalation_type": s.escalation_type,
                        "praise": s.praise,
                        "question": s.question,
                        "urgency": s.urgency,
                        "sentiment": s.sentiment,
                        "status": s.status,
                    },
                },
                indent=2,
            )
        )
        return 0
    etype = f" ({s.escalation_type})" if s.escalation_type else ""
    print(f"category   {routing.category}")
    print(f"priority   {routing.priority:g} / 100")
    print(f"negativity {s.negativity:.2f}{' *' if s.is_negative else ''}")
    print(f"escalation {s.escalation:.2f}{' *' if s.is_escalation else ''}{etype}")
    print(f"praise     {s.praise:.2f}{' *' if s.is_praise else ''}")
    print(f"question   {s.question:.2f}{' *' if s.is_question else ''}")
    print(f"urgency    {s.urgency:.2f}{' *' if s.is_urgent else ''}")
    print(f"sentiment  {s.sentiment}")
    print("why")
    for reason in routing.reasons:
        print(f"  - {reason}")
    print("(* = above the flag's decision threshold)")
    return 0


def _default_model_path() -> Path:
    from importlib import resources

    from .persistence import DEFAULT_MODEL_NAME

    return Path(str(resources.files("socialcare.models").joinpath(DEFAULT_MODEL_NAME)))


def _cmd_train(args: argparse.Namespace) -> int:
    import hashlib

    from .evaluation import evaluate
    from .persistence import save_model
    from .training import TrainingConfig, train_model

    started = time.perf_counter()
    print(f"training on {args.data_dir} ...", file=sys.stderr)
    model = train_model(args.data_dir, TrainingConfig(limit=args.limit, n_jobs=args.jobs))
    if not args.no_evaluate:
        report = evaluate(model, args.data_dir)
        model.metadata["evaluation"] = {"rows": report.rows, "sizes": report.sizes}
    output = Path(args.output) if args.output else _default_model_path()
    save_model(model, output)
    if args.output is None:
        digest = hashlib.sha256(output.read_bytes()).hexdigest()
        output.with_name(output.name + ".sha256").write_text(f"{digest}  {output.name}\n")
    size = output.stat().st_size / 1e6
    print(
        f"wrote {output} ({size:.1f} MB, {model.n_features} features) in {time.perf_counter() - started:.0f}s",
        file=sys.stderr,
    )
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import evaluate
    from .persistence import default_model, load_model

    model = load_model(args.model) if args.model else default_model()
    report = evaluate(model, args.data_dir)
    if args.json:
        print(json.dumps({"rows": report.rows, "sizes": report.sizes}, indent=2))
    else:
        print(report.to_markdown())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="socialcare",
        description="Triage customer-care posts: scores, category, priority and reasons.",
    )
    parser.add_argument("--version", action="version", version=f"socialcare {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "score",
        help="score and route every post of an archive",
        description=(
            "Read an archive (format by extension or content) in chunks, score them on every core, and write "
            "the same rows, in the same order and with every input column, plus negativity, escalation, "
            "escalation_type, praise, question, urgency, sentiment, status, category, priority and reasons. "
            "Records that cannot be read go to OUTPUT.rejects.csv with their line and reason. Output appears "
            "only when complete; --resume continues a run that was interrupted. "
            f"Priority settings come from --config (TOML). {_SAMPLE_HINT}"
        ),
    )
    p.add_argument("input", help="archive to score: .csv .tsv .jsonl .json .parquet, X tweets.js, Facebook JSON; "
                   "also .gz or .zip")  # fmt: skip
    p.add_argument("-o", "--output", help="where to write (.csv .tsv .jsonl .parquet); CSV on stdout if omitted")
    p.add_argument("--text-column", default="text", help="column holding the post text (default: text)")
    p.add_argument("--id-column", help="column holding the post id (checked to exist)")
    p.add_argument("--time-column", help="column holding the post time (default: created_at)")
    p.add_argument("--author-column", help="column holding the author handle (default: author)")
    p.add_argument("--followers-column", help="column holding the author's followers (default: followers)")
    p.add_argument("--likes-column", help="column holding likes (default: likes)")
    p.add_argument("--shares-column", help="column holding shares or retweets (default: shares)")
    p.add_argument("--replies-column", help="column holding replies (default: replies)")
    p.add_argument("--platform-column", help="column naming the platform (default: platform)")
    p.add_argument("--now", help="ISO time that waiting is measured to (default: when the run starts)")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
    p.add_argument("--config", help="TOML file of priority settings (weights, target, business hours, VIPs)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    p.add_argument("--chunk-size", type=int, default=10_000, help="records per chunk (default: 10,000)")
    p.add_argument("--encoding", help="text encoding of CSV/TSV/JSON input (default: UTF-8, or UTF-16 by BOM)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run into the same -o")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    p.add_argument("--engine", choices=["local", "dask"], default="local", help="where to score (default: local)")
    p.add_argument("--scheduler", help="dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser(
        "alerts",
        help="find spikes of negative or escalation volume in an archive",
        description=(
            "Count complaints and escalations per window (per group when --group-column is given) and report "
            "windows far above the mean of the previous windows (Poisson tail test; see socialcare.alerts). "
            "e.g. socialcare alerts data/airline_sentiment/Tweets.csv --time-column tweet_created "
            "--group-column airline"
        ),
    )
    p.add_argument("input", help="archive (.csv, .tsv, .jsonl, .parquet), scored or not")
    p.add_argument("--time-column", required=True, help="column with each post's time")
    p.add_argument("--group-column", help="column naming the brand or handle addressed (one baseline each)")
    p.add_argument("--text-column", default="text", help="column holding the post text (default: text)")
    p.add_argument("--window", default="1h", help="window length, e.g. 30min, 1h, 1d (default: 1h)")
    p.add_argument("--history", type=int, default=24, help="windows in the baseline (default: 24)")
    p.add_argument("--alpha", type=float, default=1e-4, help="Poisson p-value threshold (default: 1e-4)")
    p.add_argument("--min-count", type=int, default=5, help="fewest posts in an alerting window (default: 5)")
    p.add_argument("--json", action="store_true", help="print the alerts as a JSON list")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
    p.add_argument("--config", help="TOML file of priority settings")
    p.set_defaults(func=_cmd_alerts)

    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report of an archive",
        description=(
            "Score an archive (unless it is already scored) and write one HTML file: category mix, sentiment and "
            "escalations over time, escalation types, the posts to answer first, spike alerts and data quality. "
            "No network assets, no scripts. e.g. socialcare report data/sample_posts.csv -o report.html"
        ),
    )
    p.add_argument("input", help="archive (.csv, .tsv, .jsonl, .json, .parquet, tweets.js; also .gz/.zip)")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write")
    p.add_argument("--time-column", default="created_at", help="column with each post's time (default: created_at)")
    p.add_argument("--group-column", help="column naming the brand or handle addressed")
    p.add_argument("--text-column", default="text", help="column holding the post text (default: text)")
    p.add_argument("--title", help="the report's title")
    p.add_argument("--now", help="ISO time that waiting is measured to (default: now)")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
    p.add_argument("--config", help="TOML file of priority settings")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser(
        "check-reply",
        help="review a draft reply to a post against customer-care practice",
        description=(
            "Check a draft reply: acknowledgement and apology for complaints, a next step, no work pushed onto "
            "the customer, a choice of channel, never 'no problem', thanks for praise, a route to a person for "
            "threats. Each finding has a stable code (see socialcare.replies)."
        ),
    )
    p.add_argument("--post", required=True, help="the customer's post")
    p.add_argument("--reply", required=True, help="the draft reply")
    p.add_argument("--category", choices=["escalation", "complaint", "question", "praise", "other"],
                   help="what the post is (default: decided by the model)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
    p.set_defaults(func=_cmd_check_reply)

    p = sub.add_parser("explain", help="show scores, category, priority and reasons for one post")
    p.add_argument("text", help="the post's text")
    p.add_argument("--followers", type=int)
    p.add_argument("--likes", type=int)
    p.add_argument("--shares", type=int)
    p.add_argument("--replies", type=int)
    p.add_argument("--author", help="the author's handle (VIP authors get extra priority)")
    p.add_argument("--platform", help="where the post was made, e.g. twitter (see platform_weights)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
    p.add_argument("--config", help="TOML file of priority settings (weights, target, business hours, VIPs)")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("train", help="rebuild the model from data/ (deterministic)")
    p.add_argument("--data-dir", default="data", help="folder with the labeled data (default: data)")
    p.add_argument("-o", "--output", help="artifact to write (default: the bundled model in the package)")
    p.add_argument("--limit", type=int, help="train on at most this many posts per set (quick check)")
    p.add_argument("--no-evaluate", action="store_true", help="do not store held-out metrics in the artifact")
    p.add_argument("--jobs", type=int, default=None, help="processes for cross-validation (default: 1)")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="measure the model on held-out splits next to VADER")
    p.add_argument("--data-dir", default="data", help="folder with the labeled data (default: data)")
    p.add_argument("--model", help="model artifact (.npz) to evaluate instead of the bundled one")
    p.add_argument("--json", action="store_true", help="print JSON instead of a Markdown table")
    p.set_defaults(func=_cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        return int(args.func(args))
    except SocialCareError as exc:
        print(f"socialcare {args.command}: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, (InputError, ValueError)) else 1
    except OSError as exc:
        print(f"socialcare {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("socialcare: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
