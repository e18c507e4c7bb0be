"""Command line: ``python -m dashboard validate [DATA_DIR]``, ``refresh-census`` and ``schema`` (writes the
JSON Schemas and the vocabulary table generated from the schema)."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence

import yaml

from dashboard import constants as C
from dashboard.data import census, dictionary
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


def _refresh_census(args: argparse.Namespace) -> int:
    catalog, problems = validate(args.data_dir)
    if catalog is None:
        print("The data must validate before refreshing census figures:", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
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


def _schema(args: argparse.Namespace) -> int:
    for path in dictionary.write_schema_files(resolve_data_dir(args.data_dir)):
        print(f"Wrote {path}")
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
    schema = sub.add_parser("schema", help="write data/schema/*.json and data/README.md's vocabulary table from the schema")
    schema.add_argument("data_dir", nargs="?", default=None)
    schema.set_defaults(run=_schema)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
