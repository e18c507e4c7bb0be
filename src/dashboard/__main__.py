"""Command line: ``python -m dashboard validate [DATA_DIR]``, ``refresh-census``, ``schema`` (writes the
JSON Schemas and the vocabulary table generated from the schema) and ``export`` (writes the dataset's files
served at fixed addresses, ``static/data/``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from dashboard import constants as C
from dashboard.data import census, dictionary, export
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
    try:
        variables = census.fetch_acs(sites, year=args.year)
    except (OSError, ValueError) as exc:
        print(f"Could not reach the Census Bureau API: {exc}", file=sys.stderr)
        return 2
    stored = yaml.safe_load(census_path.read_text(encoding="utf-8")) or []
    rows, checks = census.refresh(variables, stored, args.year)
    for check in checks:
        print(check.line())
    print(census.summary(checks, census.vintage_label(args.year)))
    if args.dry_run:
        print("Dry run: nothing written.")
        return 0
    added = census.append_missing_sources(data_dir / TABLES_BY_NAME["sources"].file, census.census_sources(sites, args.year))
    census.write_census_yaml(census_path, rows)
    print(
        f"Wrote {len(rows)} rows for {len(variables)} sites to {census_path}"
        + (f"; added sources {', '.join(added)}" if added else "")
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    for path in dictionary.write_schema_files(resolve_data_dir(args.data_dir)):
        print(f"Wrote {path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    catalog, problems = validate(args.data_dir)
    if catalog is None:
        print("The data must validate before it is exported:", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
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
    refresh.set_defaults(run=_refresh_census)
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
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
