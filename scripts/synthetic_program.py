"""Write a synthetic data directory FACTOR times the size of the shipped one, for load and scale benchmarks.

    PYTHONPATH=src python -m scripts.synthetic_program OUT_DIR --factor 100
    CTDC_DATA_DIR=OUT_DIR streamlit run app.py

Sites, organizations, relationships, products, outcomes, lessons, resources, metrics (and census
rows) and sources are each the shipped count times the factor, spread over the sites as the
shipped records are. Every name is plainly fictional ("Synthetic City 0042"), every link points
at example.org, and the text is filler of the shipped records' typical length. Only the
vocabularies, the metric definitions' ids, value types and units (the app looks metrics up by
id) and the shipped directory's folders (the state outlines) come from the shipped data. The output validates with
``python -m dashboard validate OUT_DIR``; it is benchmark input, never data to commit.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from dashboard.data import schema

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data"
# The data format (data/README.md): one KIND.yaml per kind of record, program.yaml a mapping.
KINDS = (
    "sources",
    "program",
    "national_partners",
    "sites",
    "organizations",
    "relationships",
    "products",
    "outcomes",
    "lessons",
    "resources",
    "metric_definitions",
    "metrics",
    "census",
    "ecosystem_prompts",
)
SCALED = ("sites", "organizations", "relationships", "products", "outcomes", "lessons", "resources", "sources")
CROSS_SITE = "cross-site"  # a lesson's site when it is about the program as a whole

WORDS = (
    "synthetic fictional benchmark placeholder sample neighborhood residents data team partners program "
    "network volunteers city office portal service pilot survey map dashboard training meeting agency "
    "community project platform library workshop outreach analysis record review planning budget"
).split()
URL = "https://example.org/synthetic/{kind}/{id}"
# Contiguous-US bounds for the fictional sites' coordinates, and states to place them in.
LAT_RANGE, LON_RANGE = (26.0, 48.5), (-122.5, -70.0)
STATES = (
    "AL AZ AR CA CO CT DE FL GA ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA "
    "RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
NATIONAL_PARTNERS = 4
# Share of shipped lessons that are cross-site, and of shipped relationships that are national.
CROSS_SITE_SHARE, NATIONAL_TIE_SHARE = 0.24, 0.12


class Writer:
    """Deterministic filler: ids, names, sentences and source citations."""

    def __init__(self, seed: int, source_ids: list[str]) -> None:
        self.rng = random.Random(seed)
        self.source_ids = source_ids

    def text(self, length: int) -> str:
        """Plain sentences of about ``length`` characters."""
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < length:
            words.append(self.rng.choice(WORDS))
        sentences = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
        return " ".join(s[0].upper() + s[1:] + "." for s in sentences)

    def cite(self, mean: float) -> list[str]:
        """One or more distinct source ids, ``mean`` on average."""
        count = max(1, min(len(self.source_ids), round(self.rng.expovariate(1 / mean)) or 1))
        return self.rng.sample(self.source_ids, count)

    def year(self, low: int = 2010, high: int = 2020) -> str:
        """A year as ISO text."""
        return str(self.rng.randint(low, high))


def read_shipped(data_dir: Path) -> dict[str, Any]:
    """Every file of a data directory, parsed: kind -> records (a mapping for the program)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return {kind: yaml.load((data_dir / f"{kind}.yaml").read_text(encoding="utf-8"), Loader=loader) for kind in KINDS}


def _mean_length(records: list[dict[str, Any]], field: str) -> int:
    values = [len(str(r[field])) for r in records if r.get(field)]
    return round(statistics.mean(values)) if values else 100


def _spread(count: int, owners: list[str]) -> Iterator[tuple[int, str]]:
    """``count`` numbered items handed to ``owners`` in turn."""
    for index in range(count):
        yield index, owners[index % len(owners)]


def build(shipped: Path, factor: int, seed: int = 1) -> dict[str, Any]:
    """Every file's content for a program ``factor`` times the shipped one: file key -> records."""
    base = read_shipped(shipped)
    counts = {kind: len(base[kind]) * factor for kind in SCALED}
    source_ids = [f"syn-s{i + 1}" for i in range(counts["sources"])]
    w = Writer(seed, source_ids)
    rng = w.rng
    out: dict[str, Any] = {}

    out["sources"] = [
        {
            "id": sid,
            "title": f"Synthetic source {i + 1}",
            "publisher": f"Fictional Publisher {i % 50 + 1}",
            "date": w.year(2012, 2024) if rng.random() < 0.7 else None,
            "url": URL.format(kind="source", id=sid),
            "kind": rng.choice(schema.SOURCE_KINDS),
        }
        for i, sid in enumerate(source_ids)
    ]
    out["program"] = {
        "id": "synthetic",
        "name": "Synthetic Collaborative (benchmark data)",
        "short_name": "SYN",
        "years": "2014–2018",
        "summary": f"Fictional benchmark data, {factor} times the size of the shipped dataset. " + w.text(300),
        "data_as_of": "2026-01-01",
        "sources": w.cite(3),
    }
    partners = [f"syn-national-{i + 1}" for i in range(NATIONAL_PARTNERS)]
    out["national_partners"] = [
        {"id": pid, "name": f"Synthetic National Network {i + 1}", "role": w.text(100), "sources": w.cite(2)}
        for i, pid in enumerate(partners)
    ]

    # In every block of as many sites as were shipped, as many implementation sites as were shipped.
    block = len(base["sites"])
    implementation = sum(site["role"] == "implementation" for site in base["sites"])
    site_ids = [f"syn-city-{i + 1:04d}" for i in range(counts["sites"])]
    summary_len = _mean_length(base["sites"], "summary")
    out["sites"] = [
        {
            "id": sid,
            "name": f"Synthetic City {i + 1:04d}",
            "state": rng.choice(STATES),
            "role": "implementation" if i % block < implementation else "learning",
            "grant_usd": 200000 if i % block < implementation else 10000,
            "lat": round(rng.uniform(*LAT_RANGE), 4),
            "lon": round(rng.uniform(*LON_RANGE), 4),
            "landmark": f"Fictional Plaza {i + 1}",
            "summary": w.text(summary_len),
            "sources": w.cite(7),
        }
        for i, sid in enumerate(site_ids)
    ]

    org_ids = [f"syn-org-{i + 1}" for i in range(counts["organizations"])]
    org_site = {oid: site_ids[i % len(site_ids)] for i, oid in enumerate(org_ids)}
    role_len = _mean_length(base["organizations"], "role")
    out["organizations"] = [
        {
            "id": oid,
            "name": f"Fictional Organization {i + 1}",
            "type": rng.choice(schema.ORGANIZATION_TYPES),
            "sites": [org_site[oid]],
            "role": w.text(role_len),
            "sources": w.cite(2.8),
        }
        for i, oid in enumerate(org_ids)
    ]
    orgs_by_site: dict[str, list[str]] = {}
    for oid, site in org_site.items():
        orgs_by_site.setdefault(site, []).append(oid)
    relationships = []
    for i in range(counts["relationships"]):
        tie_site: str | None = None
        if rng.random() < NATIONAL_TIE_SHARE:
            source, target = rng.choice(partners), rng.choice(org_ids)
        else:
            tie_site = site_ids[i % len(site_ids)]
            local = orgs_by_site[tie_site]
            source, target = rng.sample(local, 2) if len(local) > 1 else (local[0], rng.choice(partners))
        relationships.append(
            {
                "id": f"syn-tie-{i + 1}",
                "source": source,
                "target": target,
                "kind": rng.choice(schema.RELATIONSHIP_KINDS),
                "period": schema.TIE_PERIODS[i % len(schema.TIE_PERIODS)],
                "site": tie_site,
                "period_basis": "Synthetic: the cited sources date the tie.",
                "sources": w.cite(2),
            }
        )
    out["relationships"] = relationships

    product_ids = [f"syn-product-{i + 1}" for i in range(counts["products"])]
    description_len = _mean_length(base["products"], "description")
    out["products"] = [
        {
            "id": product_ids[i],
            "site": site,
            "name": f"Fictional Product {i + 1}",
            "description": w.text(description_len),
            "themes": rng.sample(schema.THEMES, rng.randint(1, 4)),
            "launched": w.year(2015, 2019),
            "urls": [URL.format(kind="product", id=i + 1)],
            "code": [URL.format(kind="code", id=i + 1)],
            "license": "MIT" if i % 2 else None,
            "status": rng.choice(schema.PRODUCT_STATUSES),
            "status_note": w.text(80),
            "status_as_of": w.year(2019, 2025),
            "sources": w.cite(4),
        }
        for i, site in _spread(len(product_ids), site_ids)
    ]
    out["outcomes"] = [
        {
            "id": f"syn-outcome-{i + 1}",
            "product": product,
            "measure": f"Fictional measure {i + 1}",
            "value": float(rng.randint(1, 5000)) if rng.random() < 0.9 else None,
            "unit": rng.choice(["people", "percent", "days"]),
            "year": w.year(2016, 2019),
            "sources": w.cite(1.1),
        }
        for i, product in _spread(counts["outcomes"], product_ids)
    ]
    lesson_len = _mean_length(base["lessons"], "text")
    out["lessons"] = [
        {
            "id": f"syn-lesson-{i + 1}",
            "site": CROSS_SITE if rng.random() < CROSS_SITE_SHARE else site,
            "text": w.text(lesson_len),
            "section": rng.choice(schema.LESSON_SECTIONS),
            "section_basis": "editorial",
            "themes": rng.sample(schema.THEMES, rng.randint(0, 2)),
            "sources": w.cite(1.3),
        }
        for i, site in _spread(counts["lessons"], site_ids)
    ]
    resource_len = _mean_length(base["resources"], "summary")
    out["resources"] = [
        {
            "id": f"syn-resource-{i + 1}",
            "title": f"Fictional Publication {i + 1}",
            "kind": rng.choice(schema.RESOURCE_KINDS),
            "publisher": f"Fictional Publisher {i % 50 + 1}",
            "date": w.year(2015, 2019),
            "url": URL.format(kind="resource", id=i + 1),
            "summary": w.text(resource_len),
            "sites": [site] if rng.random() < 2 / 3 else [],
            "sources": w.cite(1.4),
        }
        for i, site in _spread(counts["resources"], site_ids)
    ]
    dated = {source["id"] for source in out["sources"] if source["date"]}
    for resource in out["resources"]:  # dated only when a source it cites is (the validator's rule)
        if not dated.intersection(resource["sources"]):
            resource["date"] = None

    census_metrics = {row["metric"] for row in base["census"]}
    definitions = base["metric_definitions"]
    groups = list(dict.fromkeys(d["group"] for d in definitions))
    out["metric_definitions"] = [
        {
            "id": d["id"],
            "label": f"Synthetic metric {i + 1}",
            "group": f"Synthetic group {groups.index(d['group']) + 1}",
            "value_type": d["value_type"],
            "unit": d.get("unit"),
            "description": w.text(120),
            "sources": w.cite(2),
        }
        for i, d in enumerate(definitions)
    ]
    out["metrics"], out["census"] = [], []
    for site in site_ids:
        for d in definitions:
            known = rng.random() < 0.8
            value: float | str | None = None
            if known and d["value_type"] == "text":
                value = f"Fictional value {rng.randint(1, 99)}"
            elif known:
                value = float(rng.randint(1995, 2020) if d["value_type"] == "year" else rng.randint(1, 900000))
            row = {
                "id": f"{site}--{d['id']}",
                "site": site,
                "metric": d["id"],
                "value": value,
                "unit": d.get("unit"),
                "vintage": "2017" if known else None,
                "confidence": "single-source" if known else "unconfirmed",
                "sources": w.cite(2),
            }
            if d["id"] in census_metrics:  # checked against a fictional query on a fixed day
                row |= {
                    "value_source": row["sources"][0] if known else None,
                    "census_query": row["sources"][-1],
                    "census_check": "agrees" if known else "no estimate",
                    "census_checked": "2024-01-01",
                }
            out["census" if d["id"] in census_metrics else "metrics"].append(row)
    # The editorial links of the prompts, pointing at the fictional lessons and products.
    lesson_ids = [lesson["id"] for lesson in out["lessons"]]
    product_ids = [product["id"] for product in out["products"]]
    out["ecosystem_prompts"] = [
        {
            "id": prompt["id"],
            "lessons": rng.sample(lesson_ids, min(2, len(lesson_ids))),
            "products": rng.sample(product_ids, min(1, len(product_ids))),
            "basis": "editorial",
            "reasoning": w.text(_mean_length(base["ecosystem_prompts"], "reasoning")),
            "sources": w.cite(1),
        }
        for prompt in base["ecosystem_prompts"]
    ]
    return out


def write(records: dict[str, Any], shipped: Path, target: Path) -> None:
    """Write ``records`` as the dataset's YAML files into ``target``, with the shipped directory's folders."""
    target.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for kind in KINDS:
        body = yaml.dump(records[kind], Dumper=dumper, sort_keys=False, allow_unicode=True, width=120)
        (target / f"{kind}.yaml").write_text(f"# Synthetic benchmark data (fictional): {kind}.\n" + body, encoding="utf-8")
    for folder in (item for item in shipped.iterdir() if item.is_dir()):  # e.g. the JSON Schemas in schema/
        shutil.copytree(folder, target / folder.name, dirs_exist_ok=True)


def check(target: Path) -> subprocess.CompletedProcess[str]:
    """``python -m dashboard validate TARGET``, as a user would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "validate", str(target)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def main(argv: list[str] | None = None) -> int:
    """Generate, write and (unless ``--no-check``) validate a synthetic data directory."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--factor", type=int, default=10, help="times the shipped dataset (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from", dest="shipped", type=Path, default=SHIPPED, help="the dataset to scale")
    parser.add_argument("--no-check", action="store_true", help="skip validating the written directory")
    args = parser.parse_args(argv)
    if args.factor < 1:
        parser.error("--factor must be 1 or more")
    write(build(args.shipped, args.factor, args.seed), args.shipped, args.out_dir)
    if args.no_check:
        print(f"Wrote {args.out_dir}")
        return 0
    checked = check(args.out_dir)
    print(checked.stdout + checked.stderr, end="")
    return checked.returncode


if __name__ == "__main__":
    raise SystemExit(main())
