"""The `screening` console script. `check` screens files offline; other subcommands are
registered by the modules that own them (review, web, models)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from screening.types import Report

FAIL_LEVELS = {"high": 3, "medium": 2, "low": 1, "never": 99}


def iter_paths(paths: Sequence[str]) -> Iterator[Path]:
    """Files as given, and every file below a folder, sorted: none is skipped, whatever its name
    or type — what cannot be screened is reported as refused, with its reason."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(child for child in path.rglob("*") if child.is_file())
        else:
            yield path


def exit_status(reports: Sequence[Report], fail_on: str) -> int:
    if any(r.error is not None for r in reports):
        return 2
    threshold = FAIL_LEVELS[fail_on]
    return 1 if any(f.severity.rank >= threshold for r in reports for f in r.findings) else 0


_WORKER_SETTINGS = None


def _init_worker(settings) -> None:
    global _WORKER_SETTINGS  # per worker process, set by the pool initializer, never at import
    _WORKER_SETTINGS = settings


def _screen_one(path: Path) -> Report:
    from screening.engine import cached_engine
    from screening.pipeline import screen_path

    return screen_path(path, engine=cached_engine(_WORKER_SETTINGS))


def screen_all(paths: Sequence[Path], settings, jobs: int, progress) -> list[Report]:
    """Screen in input order; across `jobs` processes when there is more than one file."""
    if jobs <= 1 or len(paths) <= 1:
        _init_worker(settings)
        reports = []
        for path in paths:
            reports.append(_screen_one(path))
            progress(len(reports), len(paths))
        return reports
    from concurrent.futures import ProcessPoolExecutor   # not for one file: start-up

    reports = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(settings,)) as pool:
        for report in pool.map(_screen_one, paths, chunksize=max(1, min(16, len(paths) // (jobs * 8) or 1))):
            reports.append(report)
            progress(len(reports), len(paths))
    return reports


def _progress_bar(stream):
    if not stream.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r审查进度 [{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\r" + " " * (width + 30) + "\r")
        stream.flush()
    return show


def cmd_check(args) -> int:
    from screening.engine import Settings
    from screening.report import dumps, summary, to_sarif, to_text
    from screening.extract import modules_for
    from screening.extract.sandbox import warm
    from screening.template import report_template_once

    paths = list(iter_paths(args.paths))
    jobs = args.jobs or os.cpu_count() or 1
    if not args.queue and (jobs <= 1 or len(paths) <= 1):   # screened here (a pool's workers start their own)
        warm(modules_for(p.name for p in paths))   # the sandbox starts while the rules and the model load
    settings = Settings(classifier=not args.no_classifier,
                        extra_rules_dirs=tuple(Path(d) for d in args.rules or ()))
    try:
        from screening.engine import cached_engine

        cached_engine(settings)  # fail loudly on a broken rule file or model before screening anything
    except Exception as exc:  # noqa: BLE001 - reported to the user, exit 2
        print(f"screening: 无法加载规则或模型：{exc}", file=sys.stderr)
        return 2
    if args.queue:
        from screening.web.check_queue import QueueProblem, screen_on_queue

        try:
            screened = screen_on_queue(paths, settings, args.queue, _progress_bar(sys.stderr))
        except QueueProblem as exc:
            print(f"screening: {exc.message}", file=sys.stderr)
            return 2
    else:
        screened = screen_all(paths, settings, jobs, _progress_bar(sys.stderr))
    reports = report_template_once(screened)
    for report in reports:
        if report.error is not None:
            print(f"screening: {report.document.name}: {report.error.message}（{report.error.code}）", file=sys.stderr)
    if args.format == "json":
        print(dumps(reports))
    elif args.format == "sarif":
        print(json.dumps(to_sarif(reports), ensure_ascii=False, indent=2))
    else:
        print(to_text(reports))
    if args.format != "text" and sys.stderr.isatty():
        print(summary(reports), file=sys.stderr)
    return exit_status(reports, args.fail_on)


def build_parser(others: bool = True) -> argparse.ArgumentParser:
    """The parser; `others=False` leaves out the subcommands of other modules (the review
    database, the web service), so that `screening check` starts without importing them."""
    parser = argparse.ArgumentParser(prog="screening", description="政府信息公开前的保密审查")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="审查文件（Word/WPS 文字、Excel/WPS 表格、PDF、txt、html 等，或整个文件夹）")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--fail-on", choices=tuple(FAIL_LEVELS), default="high")
    check.add_argument("--no-classifier", action="store_true", help="只用规则，不运行分类模型")
    check.add_argument("--rules", action="append", metavar="DIR", help="追加本单位的规则目录（可多次）")
    check.add_argument("--jobs", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    check.add_argument("--queue", metavar="REDIS_URL",
                       help="交给其他主机上的 screening worker 审查（各主机须能以同一绝对路径读到文件，"
                            "并设置同一个 SCREENING_SECRET_KEY）")
    check.set_defaults(func=cmd_check)
    for register in _registrars() if others else ():
        register(sub)
    return parser


def _registrars():
    """Subcommands owned by other modules, imported only when present."""
    import importlib

    found = []
    for module in ("screening.review.cli", "screening.model.cli", "screening.web.cli", "screening.sheet_cli"):
        try:
            found.append(importlib.import_module(module).register)
        except ModuleNotFoundError as exc:
            if not module.startswith(exc.name or "\0"):
                raise
    return found


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(others=argv[:1] != ["check"]).parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
