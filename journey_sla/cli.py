"""The journey-sla command line: generate demo data, load extracts, build, serve the app."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from journey_sla.paths import app_script, raw_path_for, warehouse_path

DEFAULT_DEMO_DIR = Path("data") / "demo"
DEFAULT_DEMO_JOURNEYS = 20_000
EXIT_USER_ERROR = 2
EXIT_FAILURE = 1


class UserError(Exception):
    """A mistake in what the user asked for; reported as one line, exit status 2."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from error


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="served warehouse file (default: $JOURNEY_SLA_DB or data/warehouse.duckdb); "
        "raw data lives beside it in <name>.raw.duckdb",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journey-sla",
        description="Journey SLA analytics: load CRM extracts into DuckDB, build SLA clocks "
        "and governance marts with dbt, explore them in Streamlit.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser(
        "generate",
        help="write a realistic, deterministic demo extract",
        description="Write a demo CRM extract (one file per contract table plus manifest.json). "
        "Same arguments, same bytes.",
    )
    gen.add_argument("--journeys", type=int, required=True, help="number of journeys")
    gen.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    gen.add_argument(
        "--start", type=_iso_date, default=date(2025, 1, 1), help="first day (default 2025-01-01)"
    )
    gen.add_argument("--months", type=int, default=18, help="months of history (default 18)")
    gen.add_argument(
        "--dirty",
        type=float,
        default=0.0,
        help="share of bad rows to inject per table and reject kind (default 0)",
    )
    gen.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="file format (default csv)"
    )
    gen.add_argument(
        "--crm",
        choices=["extract", "salesforce", "hubspot"],
        default="extract",
        help="shape of the files: extract (contract v1, the default) or the same journeys as "
        "a salesforce or hubspot export (docs/crm_sources.md)",
    )
    gen.add_argument("--out", required=True, help="output folder")

    load = sub.add_parser(
        "load",
        help="validate and load a folder of extracts into the raw schema",
        description="Load <table>.csv|.csv.gz|.parquet files into schema raw. Invalid rows go to "
        "raw.rejects with a reason; read = loaded + rejected for every table. A missing file or "
        "column fails with exit status 2 and leaves the warehouse as it was.",
    )
    load.add_argument("directory", help="folder with one file per contract table or CRM object")
    load.add_argument(
        "--crm",
        choices=["extract", "salesforce", "hubspot"],
        default="extract",
        help="what the folder holds: extract (contract v1, the default), salesforce or "
        "hubspot (one file per object, API or Fivetran column names; docs/crm_sources.md)",
    )
    _add_db(load)
    load.add_argument("--replace", action="store_true", help="empty the raw schema first")
    load.add_argument("--json", action="store_true", help="print the per-table counts as JSON")
    load.add_argument(
        "--max-reject-rate",
        type=float,
        default=0.01,
        metavar="SHARE",
        help="fail the load (exit 2, raw data unchanged) when a table rejects more than this "
        "share of its rows (default 0.01 = 1%%; 1 accepts any)",
    )
    load.add_argument(
        "--encoding",
        default="utf-8",
        help="encoding of the CSV files (default utf-8; Excel exports are often cp1252 or latin-1)",
    )
    load.add_argument(
        "--timestamp-floor",
        type=_iso_date,
        default=date(1990, 1, 1),
        metavar="YYYY-MM-DD",
        help="timestamps and dates before this day are rejected as implausible_timestamp "
        "(default 1990-01-01)",
    )
    load.add_argument(
        "--planned-horizon-years",
        type=int,
        default=20,
        metavar="YEARS",
        help="scheduled_for and contract dates may lie up to this many years ahead "
        "(default 20); event times at most one day after the load",
    )

    build = sub.add_parser(
        "build",
        help="run dbt build into a fresh file and swap it in",
        description="Run `dbt build` through dbt's programmatic runner into a fresh file, then "
        "atomically replace the served warehouse. Extra arguments go to dbt (e.g. --select).",
    )
    _add_db(build)
    build.add_argument("--as-of", help="the clock's 'now' (default: latest timestamp in the data)")
    build.add_argument(
        "--target",
        choices=["duckdb", "postgres", "spark"],
        default="duckdb",
        help="engine (default duckdb, the embedded file; postgres/spark: docs/engines.md)",
    )
    build.add_argument(
        "--memory-limit",
        help="DuckDB memory_limit, e.g. 10GB (default $JOURNEY_SLA_MEMORY_LIMIT or 80%% of RAM); "
        "beyond it DuckDB spills to --temp-dir",
    )
    build.add_argument(
        "--temp-dir",
        help="DuckDB temp_directory for spilled data (default $JOURNEY_SLA_TEMP_DIR or a .tmp "
        "folder beside the file being built)",
    )

    run = sub.add_parser(
        "run",
        help="generate (if no DIR), load, build and start the app",
        description="One command from extracts to app. Without DIR, generates the demo data set.",
    )
    run.add_argument(
        "directory", nargs="?", help="folder of extracts (default: generate demo data)"
    )
    _add_db(run)
    run.add_argument("--port", type=int, default=8501, help="app port (default 8501)")
    run.add_argument(
        "--journeys", type=int, default=DEFAULT_DEMO_JOURNEYS, help="demo journeys when generating"
    )

    bench = sub.add_parser(
        "bench",
        help="time generate, load and build at given scales",
        description="Benchmark generate, load and dbt build on this machine and print a Markdown "
        "report (append it to BENCHMARKS.md with --write). Extra arguments go to dbt build.",
    )
    bench.add_argument(
        "--journeys",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        help="scales (default 100000 1000000)",
    )
    bench.add_argument(
        "--workdir",
        default="data/bench",
        help="where extracts and warehouses go (default data/bench)",
    )
    bench.add_argument(
        "--steps",
        default="generate,load,build",
        help="comma list of generate, load, build (default all)",
    )
    bench.add_argument(
        "--write", metavar="FILE", help="append the report to FILE (e.g. BENCHMARKS.md)"
    )
    bench.add_argument(
        "--lookups",
        action="store_true",
        help="instead: time the business-time look-ups side by side (DuckDB ASOF, range join, "
        "carry-forward) on --engines; PostgreSQL needs JOURNEY_SLA_PG_*, Spark runs in-process",
    )
    bench.add_argument(
        "--engines", nargs="+", default=["duckdb"], choices=["duckdb", "postgres", "spark"]
    )
    bench.add_argument("--clocks", type=int, default=1_000_000, help="look-ups (default 1M)")
    bench.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    bench.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a look-up is cut off"
    )

    export = sub.add_parser(
        "export",
        help="write CRM exports: due-next tasks, breach alerts, reassignments",
        description="Write due_next_tasks, breach_alerts and reassignments from the served "
        "warehouse (opened read-only) into DIR, one file each, with stable ids so a re-run "
        "creates no duplicates downstream. Columns: docs/exports.md.",
    )
    _add_db(export)
    export.add_argument(
        "--as-of",
        help="must equal the warehouse's as_of (default: the build's); to export another "
        "instant run `journey-sla build --as-of ...` first",
    )
    export.add_argument("--out", required=True, help="output folder")
    export.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="file format (default csv)"
    )
    export.add_argument(
        "--window-hours",
        type=int,
        default=24,
        help="due_next_tasks: open clocks turning at risk within this many hours (default 24)",
    )
    export.add_argument(
        "--crm",
        choices=["generic", "salesforce", "hubspot"],
        default="generic",
        help="column shape: generic (default), salesforce (Task / record owner import) or "
        "hubspot (task / record owner import); docs/exports.md",
    )
    _add_read_target(export)
    export.add_argument(
        "--fallback-queue",
        default="revops_triage",
        help="the CRM queue or user that gets rows without an owner or manager "
        "(default revops_triage)",
    )

    report = sub.add_parser(
        "report",
        help="write the monthly review pack (HTML or PDF)",
        description="Write the monthly review for the meeting: headline tiles, attainment vs "
        "conversion, trends, velocity, verdicts, revise candidates, routing compliance and "
        "the top breaches, with the as-of and data-quality caveats. --out's suffix picks the "
        "format: .html (self-contained) or .pdf.",
    )
    _add_db(report)
    report.add_argument("--month", help="YYYY-MM (default: the last complete month before as_of)")
    report.add_argument(
        "--week",
        help="YYYY-Www, an ISO week of the clocks' start in UTC (e.g. 2026-W21): the headline "
        "tiles and the trend are the week's, the rest is of --month (default: the month the "
        "week's Monday is in)",
    )
    report.add_argument(
        "--leave-out-broken-entries",
        action="store_true",
        help="attainment and breach rate count only clocks whose visit met its stage's entry "
        "criteria (the app's toggle); the pack says whether broken entries were left out",
    )
    report.add_argument("--out", required=True, help="review.html or review.pdf")

    publish = sub.add_parser(
        "publish",
        help="publish the validated raw tables as Parquet, or copy them into postgres/spark",
        description=(
            "Writes every raw table the loader accepted (loaded rows only; rejects and the "
            "load log keep their own tables) as DIR/<table>/part-0.parquet. With --target "
            "postgres|spark the files are copied into the engine's raw schema "
            "($JOURNEY_SLA_RAW_SCHEMA, default raw), replacing it."
        ),
    )
    _add_db(publish)
    publish.add_argument("--out", help="folder for the Parquet files (default: a temp folder)")
    publish.add_argument("--target", choices=["postgres", "spark"], help="copy into this engine")

    app = sub.add_parser(
        "app", help="start the Streamlit app", description="Serve the app on 127.0.0.1."
    )
    _add_db(app)
    app.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    _add_read_target(app)
    return parser


def _add_read_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        choices=["duckdb", "postgres", "spark"],
        default=None,
        help="engine to read, read-only (default $JOURNEY_SLA_TARGET, else duckdb: the --db "
        "file; postgres/spark read the served schema: docs/engines.md)",
    )


def cmd_generate(args: argparse.Namespace) -> int:
    from journey_sla.generate import generate

    rows = generate(
        Path(args.out),
        journeys=args.journeys,
        seed=args.seed,
        start=args.start,
        months=args.months,
        dirty=args.dirty,
        fmt=args.format,
        show_progress=sys.stderr.isatty(),
        crm=getattr(args, "crm", "extract"),
    )
    total = sum(rows.values())
    print(f"wrote {total:,} rows in {len(rows)} tables to {args.out}")
    return 0


def print_load_table(results) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Loaded extracts")
    for column in ("table", "file", "read", "loaded", "rejected"):
        table.add_column(
            column, justify="right" if column in {"read", "loaded", "rejected"} else "left"
        )
    for result in results:
        table.add_row(
            result.table,
            result.file or "-",
            f"{result.read:,}",
            f"{result.loaded:,}",
            f"{result.rejected:,}",
        )
    Console().print(table)


def cmd_load(args: argparse.Namespace) -> int:
    from journey_sla.load import load_extracts

    results = load_extracts(
        Path(args.directory),
        warehouse_path(args.db),
        replace=args.replace,
        show_progress=not args.json and sys.stderr.isatty(),
        max_reject_rate=getattr(args, "max_reject_rate", 0.01),
        encoding=getattr(args, "encoding", "utf-8"),
        timestamp_floor=getattr(args, "timestamp_floor", date(1990, 1, 1)),
        planned_horizon_years=getattr(args, "planned_horizon_years", 20),
        crm=getattr(args, "crm", "extract"),
    )
    if args.json:
        payload = {
            "tables": [
                {"table": r.table, "read": r.read, "loaded": r.loaded, "rejected": r.rejected}
                for r in results
            ]
        }
        print(json.dumps(payload))
    else:
        print_load_table(results)
    return 0


def cmd_build(args: argparse.Namespace, dbt_args: Sequence[str]) -> int:
    from journey_sla.build import build_warehouse

    target = getattr(args, "target", "duckdb")
    if getattr(args, "memory_limit", None):
        os.environ["JOURNEY_SLA_MEMORY_LIMIT"] = args.memory_limit
    if getattr(args, "temp_dir", None):
        os.environ["JOURNEY_SLA_TEMP_DIR"] = str(Path(args.temp_dir).resolve())
    if target != "duckdb":
        from journey_sla.engines import build_on_engine

        schema, passed, total = build_on_engine(target, args.as_of, list(dbt_args))
        print(f"built {passed}/{total} dbt nodes into {target} schema {schema}")
        return 0
    result = build_warehouse(warehouse_path(args.db), as_of=args.as_of, dbt_args=dbt_args)
    print(f"built {result.nodes_passed}/{result.nodes_total} dbt nodes into {result.warehouse}")
    if result.as_of is not None:
        print(f"as of {result.as_of:%Y-%m-%d %H:%M:%S} UTC ({result.as_of_source})")
    return 0


def app_command(db: Path, port: int) -> list[str]:
    # Served for reading, not for editing the app (BENCHMARKS.md, 20 sessions, measured A/B):
    # - no file watcher: its module scan after every script run cost ~15 % of the server's CPU
    #   per page and a third of its throughput under 10 concurrent users;
    # - no forced full garbage collection after every script run (Python's own collector still
    #   runs): it was half of what was left of a page run's CPU, and all sessions share one GIL.
    return [
        sys.executable, "-m", "streamlit", "run", str(app_script()),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
        "--runner.postScriptGC", "false",
    ]  # fmt: skip


def cmd_bench(args: argparse.Namespace, dbt_args: Sequence[str]) -> int:
    from journey_sla.bench import lookup_report, markdown_report, run_lookup_bench, run_scale

    if args.lookups:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        timings = run_lookup_bench(workdir, args.engines, args.clocks, args.rounds, args.timeout)
        report = lookup_report(timings, args.clocks, "journey-sla bench " + " ".join(sys.argv[2:]))
        print(report)
        if args.write:
            with open(args.write, "a", encoding="utf-8") as out:
                out.write("\n" + report)
        return 0
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = set(steps) - {"generate", "load", "build"}
    if unknown:
        raise UserError(f"--steps: unknown step(s) {', '.join(sorted(unknown))}")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    results = [run_scale(journeys, workdir, steps, dbt_args) for journeys in args.journeys]
    report = markdown_report(results, "journey-sla bench " + " ".join(sys.argv[2:]))
    print(report)
    if args.write:
        with open(args.write, "a", encoding="utf-8") as out:
            out.write("\n" + report)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from journey_sla.export import export

    results = export(
        warehouse_path(args.db),
        Path(args.out),
        as_of=args.as_of,
        fmt=args.format,
        window_hours=args.window_hours,
        crm=args.crm,
        fallback_queue=args.fallback_queue,
        target=args.target,
    )
    for result in results:
        print(f"{result.name}: {result.rows:,} rows -> {result.path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in {".html", ".pdf"}:
        raise UserError(f"--out {out}: name a .html or .pdf file")
    month = None
    if args.month:
        try:
            month = datetime.strptime(args.month, "%Y-%m").date()
        except ValueError:
            raise UserError(f"--month {args.month!r}: expected YYYY-MM, e.g. 2026-05") from None
    if args.week:
        from journey_sla.app_logic.stats import iso_week_monday

        try:
            iso_week_monday(args.week)
        except ValueError as error:
            raise UserError(f"--{error}") from None
    db = warehouse_path(args.db)
    if not db.exists():
        raise FileNotFoundError(f"{db}: no warehouse; run `journey-sla build` first")
    # The pack reads through the app's data layer, which finds the warehouse by this variable.
    os.environ["JOURNEY_SLA_DB"] = str(db)
    from journey_sla.app_logic import review_pack
    from journey_sla.app_logic.warehouse import Filters

    pack = review_pack.build(Filters(), month, args.week, leave_out=args.leave_out_broken_entries)
    if out.suffix.lower() == ".pdf":
        out.write_bytes(review_pack.to_pdf(pack))
    else:
        out.write_text(review_pack.to_html(pack), encoding="utf-8")
    print(f"{pack.title}: {out}")
    print(pack.entry_note)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    import tempfile

    from journey_sla.engines import copy_to_postgres, copy_to_spark, publish, raw_schema

    if not args.out and not args.target:
        raise UserError("publish: give --out DIR, --target postgres|spark, or both")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(args.out) if args.out else Path(scratch)
        for table in publish(raw_path_for(warehouse_path(args.db)), out):
            print(f"{table.table}: {table.rows:,} rows -> {table.path}")
        if args.target:
            copy = copy_to_postgres if args.target == "postgres" else copy_to_spark
            counts = copy(out)
            print(f"copied {len(counts)} tables into {args.target} schema {raw_schema()}")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from journey_sla import readers

    # `journey-sla run` builds and serves the DuckDB file; `app` reads --target or the env.
    target = readers.current_target(getattr(args, "target", "duckdb"))
    db = warehouse_path(args.db).resolve()
    served = db if target == "duckdb" else readers.describe(target, readers.location(target))
    print(f"journey-sla app: http://127.0.0.1:{args.port}  (warehouse {served})", flush=True)
    env = {**os.environ, "JOURNEY_SLA_DB": str(db), readers.TARGET_VARIABLE: target}
    return subprocess.call(app_command(db, args.port), env=env)


def cmd_run(args: argparse.Namespace) -> int:
    directory = args.directory
    if directory is None:
        directory = DEFAULT_DEMO_DIR
        if not (Path(directory) / "manifest.json").exists():
            cmd_generate(
                argparse.Namespace(
                    out=directory, journeys=args.journeys, seed=7, start=date(2025, 1, 1),
                    months=18, dirty=0.01, format="csv",
                )
            )  # fmt: skip
    # Generated demo data holds bad rows on purpose (1 % per reject kind): no rate limit.
    max_rate = 1.0 if args.directory is None else 0.01
    cmd_load(
        argparse.Namespace(
            directory=directory, db=args.db, replace=True, json=False, max_reject_rate=max_rate
        )
    )
    cmd_build(argparse.Namespace(db=args.db, as_of=None), [])
    return cmd_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    from journey_sla.build import BuildError

    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command not in {"build", "bench"}:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "generate":
            return cmd_generate(args)
        if args.command == "load":
            return cmd_load(args)
        if args.command == "build":
            return cmd_build(args, extra)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "publish":
            return cmd_publish(args)
        if args.command == "app":
            return cmd_app(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "bench":
            return cmd_bench(args, extra)
    except BuildError as error:
        print(f"journey-sla: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except (UserError, ValueError, FileNotFoundError) as error:
        print(f"journey-sla: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as error:  # LoadError and friends are imported lazily; match by name
        if type(error).__name__ in {"LoadError", "ContractError"}:
            print(f"journey-sla: {error}", file=sys.stderr)
            return EXIT_USER_ERROR
        import duckdb

        if isinstance(error, RuntimeError | duckdb.Error):
            # Not the user's mistake, but still one line: the load or build rolled back.
            print(f"journey-sla: {' '.join(str(error).split())}", file=sys.stderr)
            return EXIT_FAILURE
        raise
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return EXIT_USER_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
