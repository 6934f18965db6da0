"""The ``socialcare`` command: score archives, explain one post, train and evaluate.

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


def _triage(model: str | None):  # type: ignore[no-untyped-def]
    from .triage import Triage

    return Triage(model)


def _cmd_score(args: argparse.Namespace) -> int:
    from .archives import read_archive, write_archive

    started = time.perf_counter()
    frame = read_archive(args.input)
    now = _parse_now(args.now)
    scored = _triage(args.model).route_frame(frame, text_column=args.text_column, now=now)
    if args.output:
        write_archive(scored, args.output)
        counts = scored["category"].value_counts().to_dict()
        mix = ", ".join(f"{k} {counts.get(k, 0)}" for k in ("escalation", "complaint", "question", "praise", "other"))
        empty = int((scored["status"] != "ok").sum())
        print(
            f"scored {len(scored)} posts from {args.input} into {args.output} in "
            f"{time.perf_counter() - started:.1f}s ({mix}; {empty} without usable text)",
            file=sys.stderr,
        )
    else:
        write_archive(scored, None, sys.stdout)
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .types import Post

    post = Post(text=args.text, followers=args.followers, likes=args.likes, shares=args.shares, replies=args.replies)
    routing = _triage(args.model).route(post)
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
            "Read a CSV, TSV, JSONL or Parquet archive (by extension) and write the same rows, in the same "
            "order and with every input column, plus negativity, escalation, escalation_type, praise, question, "
            "urgency, sentiment, status, category, priority and reasons. Columns followers, likes, shares, "
            f"replies and created_at are used for priority when present. {_SAMPLE_HINT}"
        ),
    )
    p.add_argument("input", help="archive to score (.csv, .tsv, .jsonl, .parquet)")
    p.add_argument("-o", "--output", help="where to write (format by extension); CSV on stdout if omitted")
    p.add_argument("--text-column", default="text", help="column holding the post text (default: text)")
    p.add_argument("--now", help="ISO time that waiting is measured to (default: the latest created_at)")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("explain", help="show scores, category, priority and reasons for one post")
    p.add_argument("text", help="the post's text")
    p.add_argument("--followers", type=int)
    p.add_argument("--likes", type=int)
    p.add_argument("--shares", type=int)
    p.add_argument("--replies", type=int)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--model", help="model artifact (.npz) to use instead of the bundled one")
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
