"""Command line: ``python -m dashboard validate [DATA_DIR]``, ``refresh-census``, ``check-links`` (asks
every source's URL, writes data/link_checks.yaml), ``schema`` (writes the JSON Schemas and the
vocabulary table generated from the schema) and ``export`` (writes the dataset's files served at fixed
addresses, ``static/data/``)."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import cast

import yaml

from dashboard import constants as C
from dashboard.data import census, dictionary, export, linkcheck
from dashboard.data.catalog import Catalog
from dashboard.data.loading import resolve_data_dir, validate
from dashboard.data.schema import TABLES_BY_NAME


def _validate(args: argparse.Namespace) -> int:
    catalog, problems = validate(args.data_dir)
    if catalog is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found in {resolve_data_dir(args.data_dir)}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in catalog.counts().items())
    print(f"OK: {catalog.data_dir}: {counts}")
    return 0


def _valid_catalog(data_dir: str | None, before: str) -> Catalog | None:
    """The catalog of ``data_dir``; None, after listing its problems on stderr, when it does not validate
    (``before`` says what needs it: "it is exported")."""
    catalog, problems = validate(data_dir)
    if catalog is None:
        print(f"The data must validate before {before}:", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
    return catalog


def _refresh_census(args: argparse.Namespace) -> int:
    catalog = _valid_catalog(args.data_dir, "refreshing census figures")
    if catalog is None:
        return 1
    data_dir = resolve_data_dir(args.data_dir)
    census_path = data_dir / TABLES_BY_NAME["census"].file
    sites = catalog.sites.to_dict("records")
    answers = census.fetch_acs(sites, functools.partial(census.http_get_json, timeout=args.timeout), args.year, args.api)
    for site, reason in answers.failures.items():
        print(f"{site}: could not be checked ({reason}); its figures are left as they were", file=sys.stderr)
    if not answers.variables:
        print(f"Could not reach the Census Bureau API at {args.api.format(year=args.year)}: nothing checked", file=sys.stderr)
        return 2
    stored = yaml.safe_load(census_path.read_text(encoding="utf-8")) or []
    rows, checks = census.refresh(answers, stored, census.Run(args.year, args.api))
    for check in checks:
        print(check.line())
    print(census.summary(checks, census.vintage_label(args.year)))
    if args.dry_run:
        print("Dry run: nothing written.")
        return 1 if answers.failures else 0
    added = census.append_missing_sources(data_dir / TABLES_BY_NAME["sources"].file, census.census_sources(sites, args.year))
    census.write_census_yaml(census_path, rows)
    print(
        f"Wrote {len(rows)} rows for {len(answers.sites)} sites to {census_path}"
        + (f"; added sources {', '.join(added)}" if added else "")
    )
    return 1 if answers.failures else 0


def _check_links(args: argparse.Namespace) -> int:
    catalog = _valid_catalog(args.data_dir, "its links are checked")
    if catalog is None:
        return 1
    polite = linkcheck.Politeness(args.workers, args.delay, args.timeout, args.max_seconds)
    sources = catalog.sources.to_dict("records")
    print(f"Checking {len(sources)} source URLs: {polite.workers} hosts at once, {polite.delay:g} s apart on a host ...")
    checks = linkcheck.check_sources(sources, polite)
    for check in checks:
        if check.status != linkcheck.OK:
            print(f"{check.source}: {linkcheck.last_check_text(asdict(check))} {check.url}")
    output = args.output or resolve_data_dir(args.data_dir) / linkcheck.LINK_CHECKS_FILE
    linkcheck.write_checks(output, checks, polite)
    print(linkcheck.summary(linkcheck.read_checks(output), len(sources)).replace("`", ""))
    print(f"Wrote {output}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    for path in dictionary.write_schema_files(resolve_data_dir(args.data_dir)):
        print(f"Wrote {path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    catalog = _valid_catalog(args.data_dir, "it is exported")
    if catalog is None:
        return 1
    written = export.write_static_files(catalog, Path(args.out))
    print(f"Wrote {len(written)} files to {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a sub-command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="check the dataset's schema, integrity and provenance")
    check.add_argument("data_dir", nargs="?", default=None, help=f"data directory (default: ${C.DATA_DIR_ENV} or data/)")
    check.set_defaults(run=_validate)
    refresh = sub.add_parser(
        "refresh-census", help="check census.yaml against the Census Bureau's ACS 5-year API, report each figure, and rewrite it"
    )
    refresh.add_argument("data_dir", nargs="?", default=None)
    refresh.add_argument("--year", type=int, default=C.CENSUS_YEAR, help="last year of the 5-year release")
    refresh.add_argument("--dry-run", action="store_true", help="print the report without writing anything")
    refresh.add_argument(
        "--api", default=C.CENSUS_API, help="the API's address, {year} standing for the release (default: the Census Bureau's)"
    )
    refresh.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer (default: 30)")
    refresh.set_defaults(run=_refresh_census)
    links = sub.add_parser(
        "check-links", help=f"ask every source's URL whether it still answers and write data/{linkcheck.LINK_CHECKS_FILE}"
    )
    links.add_argument("data_dir", nargs="?", default=None)
    links.add_argument("--workers", type=int, default=8, help="hosts asked at once (default: 8); one request per host at a time")
    links.add_argument("--delay", type=float, default=1.0, help="seconds between two requests to one host (default: 1)")
    links.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for one answer (default: 15)")
    links.add_argument("--max-seconds", type=float, default=900.0, help="stop asking after this many seconds (default: 900)")
    links.add_argument(
        "--output", type=Path, default=None, help=f"where to write (default: DATA_DIR/{linkcheck.LINK_CHECKS_FILE})"
    )
    links.set_defaults(run=_check_links)
    schema = sub.add_parser("schema", help="write data/schema/*.json and data/README.md's vocabulary table from the schema")
    schema.add_argument("data_dir", nargs="?", default=None)
    schema.set_defaults(run=_schema)
    files = sub.add_parser(
        "export", help="write every table as CSV and JSON, datapackage.json and the zip into static/data/ (their fixed URLs)"
    )
    files.add_argument("data_dir", nargs="?", default=None)
    files.add_argument("--out", default=str(C.DATA_EXPORT_DIR), help="folder to write (default: static/data/)")
    files.set_defaults(run=_export)
    args = parser.parse_args(argv)
    return cast("int", args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
