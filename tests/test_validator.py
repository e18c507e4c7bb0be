"""The validator on broken data: each case names the file, the record, the field and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import MINIMAL_DIR, run_cli
from dashboard.__main__ import main
from dashboard.data.loading import DataError, load_catalog


class Result:
    """Exit code and output of one in-process validator run."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def validate_dir(capsys):
    """Run ``python -m dashboard validate DIR`` in this process (the CLI itself is tested below)."""

    def run(path: Path) -> Result:
        code = main(["validate", str(path)])
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))


# (case, file, old text, new text, expected line in the report)
CASES = [
    ("malformed YAML", "sites.yaml", "  state: MA\n", "  state: [MA\n", r"^sites\.yaml:\d+: malformed YAML"),
    (
        "missing field",
        "sites.yaml",
        "  landmark: Alpha town hall\n",
        "",
        r"^sites\.yaml:\d+: record 'alpha-city': field 'landmark': missing required field$",
    ),
    (
        "unknown field",
        "sites.yaml",
        "  landmark: Alpha town hall\n",
        "  landmark: Alpha town hall\n  mayor: Someone\n",
        r"^sites\.yaml:\d+: record 'alpha-city': field 'mayor': unknown field$",
    ),
    (
        "wrong type",
        "sites.yaml",
        "  grant_usd: 1000\n",
        "  grant_usd: a thousand\n",
        r"^sites\.yaml:\d+: record 'alpha-city': field 'grant_usd': Input should be a valid integer",
    ),
    (
        "unknown vocabulary value",
        "organizations.yaml",
        "  type: civic tech group\n",
        "  type: hackers\n",
        r"^organizations\.yaml:\d+: record 'alpha-hackers': field 'type': Input should be 'local government'.*\(got 'hackers'\)$",
    ),
    (
        "unknown theme",
        "products.yaml",
        "  themes: [open data, housing]\n",
        "  themes: [open data, space travel]\n",
        r"^products\.yaml:\d+: record 'alpha-finder': field 'themes\[1\]': Input should be 'civic engagement'",
    ),
    (
        "duplicate id",
        "organizations.yaml",
        "- id: alpha-hackers\n",
        "- id: alpha-data\n",
        r"^organizations\.yaml: record 'alpha-data': field 'id': duplicate id$",
    ),
    (
        "dangling site reference",
        "products.yaml",
        "  site: alpha-city\n",
        "  site: gamma-village\n",
        r"^products\.yaml: record 'alpha-finder': field 'site': unknown site 'gamma-village'$",
    ),
    (
        "dangling source reference",
        "lessons.yaml",
        "  sources: [example-report]\n",
        "  sources: [no-such-source]\n",
        r"^lessons\.yaml: record 'alpha-ask-users': field 'sources': unknown source 'no-such-source'$",
    ),
    (
        "dangling organization",
        "relationships.yaml",
        "  target: alpha-hackers\n",
        "  target: ghost-org\n",
        r"^relationships\.yaml: record 'alpha-data-co-led-alpha-hackers': field 'target': unknown organization 'ghost-org'$",
    ),
    (
        "latitude out of range",
        "sites.yaml",
        "  lat: 42.0\n",
        "  lat: 142.0\n",
        r"^sites\.yaml:\d+: record 'alpha-city': field 'lat': Input should be less than or equal to 90$",
    ),
    (
        "longitude out of range",
        "sites.yaml",
        "  lon: -81.0\n",
        "  lon: -281.0\n",
        r"^sites\.yaml:\d+: record 'beta-town': field 'lon': Input should be greater than or equal to -180$",
    ),
    (
        "URL not http(s)",
        "sources.yaml",
        "  url: https://example.org/report\n",
        "  url: javascript:alert(1)\n",
        r"^sources\.yaml:\d+: record 'example-report': field 'url': must be an http:// or https:// URL$",
    ),
    (
        "record without a source",
        "outcomes.yaml",
        "  sources: [example-report]\n",
        "  sources: []\n",
        r"^outcomes\.yaml:\d+: record 'alpha-finder-users': field 'sources': List should have at least 1 item",
    ),
    (
        "record with no sources field",
        "outcomes.yaml",
        "  sources: [example-report]\n",
        "",
        r"^outcomes\.yaml:\d+: record 'alpha-finder-users': field 'sources': missing required field$",
    ),
    (
        "HTML in text",
        "lessons.yaml",
        "  text: Ask the people",
        "  text: <script>alert(1)</script> Ask the people",
        r"^lessons\.yaml:\d+: record 'alpha-ask-users': field 'text': must be plain text",
    ),
    (
        "unknown metric",
        "metrics.yaml",
        "  metric: portal_launch_year\n  value: 2015",
        "  metric: portal_year\n  value: 2015",
        r"^metrics\.yaml: record 'alpha-city--portal_launch_year': field 'metric': unknown metric 'portal_year'$",
    ),
    (
        "value without vintage",
        "census.yaml",
        "  vintage: ACS 2019-2023 5-year\n",
        "  vintage: null\n",
        r"^census\.yaml: record 'alpha-city--population--acs2023': field 'vintage': a value needs its vintage$",
    ),
    (
        "unknown value shown as zero",
        "metrics.yaml",
        "  value: null\n",
        "  value: 0\n",
        r"^metrics\.yaml: record 'beta-town--portal_launch_year': field 'vintage': a value needs its vintage$",
    ),
    (
        "bad date",
        "products.yaml",
        '  launched: "2020-09"\n',
        '  launched: "September 2020"\n',
        r"^products\.yaml:\d+: record 'alpha-finder': field 'launched': must be an ISO date",
    ),
]


@pytest.mark.parametrize("case, file, old, new, expected", CASES, ids=[c[0] for c in CASES])
def test_broken_fixture_is_reported(minimal_copy: Path, validate_dir, case, file, old, new, expected):
    _replace(minimal_copy / file, old, new)
    result = validate_dir(minimal_copy)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(re.search(expected, line) for line in lines), result.stderr
    assert re.search(r"^\d+ problem\(s\) found in ", lines[-1])


def test_malformed_yaml_names_its_line(minimal_copy: Path, validate_dir):
    _replace(minimal_copy / "sites.yaml", "  state: OH\n", "  state: OH\n   bad indent: [\n")
    result = validate_dir(minimal_copy)
    line = next(x for x in result.stderr.splitlines() if "malformed YAML" in x)
    reported = int(line.split(":")[1])
    source_lines = (minimal_copy / "sites.yaml").read_text().splitlines()
    assert "bad indent" in source_lines[reported - 1] or "bad indent" in source_lines[reported - 2]


def test_empty_file(minimal_copy: Path, validate_dir):
    (minimal_copy / "lessons.yaml").write_text("# nothing here yet\n")
    result = validate_dir(minimal_copy)
    assert result.returncode == 1
    assert "lessons.yaml: file is empty" in result.stderr


def test_missing_file(minimal_copy: Path, validate_dir):
    (minimal_copy / "resources.yaml").unlink()
    result = validate_dir(minimal_copy)
    assert result.returncode == 1
    assert "resources.yaml: file is missing" in result.stderr


def test_not_a_list(minimal_copy: Path, validate_dir):
    (minimal_copy / "outcomes.yaml").write_text("id: just-a-mapping\n")
    result = validate_dir(minimal_copy)
    assert "outcomes.yaml: must be a list of records" in result.stderr


def test_binary_garbage_is_reported_not_raised(minimal_copy: Path, validate_dir):
    (minimal_copy / "sources.yaml").write_bytes(b"\xff\xfe\x00garbage")
    result = validate_dir(minimal_copy)
    assert result.returncode == 1
    assert "sources.yaml: cannot be read as UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_data_directory(tmp_path: Path):
    result = run_cli("validate", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "data directory not found" in result.stderr


def test_good_fixture_summary_line():
    result = run_cli("validate", str(MINIMAL_DIR))
    assert result.returncode == 0, result.stderr
    out = result.stdout.strip().splitlines()
    assert len(out) == 1
    assert "2 sites" in out[0]
    assert "1 products" in out[0]
    assert "3 metrics" in out[0]


def test_env_variable_selects_the_data_directory():
    result = run_cli("validate", env={"CTDC_DATA_DIR": str(MINIMAL_DIR)})
    assert result.returncode == 0, result.stderr
    assert str(MINIMAL_DIR.name) in result.stdout
    assert "2 sites" in result.stdout


def test_load_catalog_raises_data_error_with_problems(minimal_copy: Path):
    (minimal_copy / "sites.yaml").unlink()
    with pytest.raises(DataError) as info:
        load_catalog(minimal_copy)
    assert any(p.file == "sites.yaml" and p.message == "file is missing" for p in info.value.problems)


@pytest.mark.parametrize(
    ("date", "note", "problem"),
    [
        ('"2021-06"', "The copy read shows no date.", True),
        ('"2021-06"', "Date not shown in the archived copy.", True),
        ("null", "The copy read shows no date.", False),
        ('"2021-06"', "The copy read shows no date. Date from example-report.", True),  # itself
        ('"2021-06"', "The copy read shows no date. Date from no-such-source.", True),
        ('"2021-06"', "The copy read shows no date. Date from other-report, which reprints it.", False),
        ('"2021-06"', "Shows the date on its cover.", False),
    ],
)
def test_a_source_that_shows_no_date_stores_null_unless_its_note_names_the_dated_source(
    minimal_copy: Path, validate_dir, date, note, problem
):
    sources = minimal_copy / "sources.yaml"
    _replace(sources, '  date: "2021-06"\n', f"  date: {date}\n")
    _replace(sources, "  kind: report\n", f"  kind: report\n  note: {note}\n")
    sources.write_text(
        sources.read_text()
        + "- id: other-report\n  title: Other\n  publisher: Other\n  date: 2021\n  url: https://example.org/other\n  kind: report\n"
    )
    _replace(minimal_copy / "resources.yaml", "  sources: [example-report]\n", "  sources: [example-report, other-report]\n")
    result = validate_dir(minimal_copy)
    message = "sources.yaml: record 'example-report': field 'date': its note says the document shows no date"
    assert (message in result.stderr) is problem, result.stderr
    assert result.returncode == (1 if problem else 0), result.stderr


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        (None, True),
        ("Date from example-report, whose cover gives June 2021.", False),
        ("Date from other-report, which it does not cite.", True),
    ],
)
def test_a_resource_dated_where_no_source_has_a_date_names_the_source_of_its_date(
    minimal_copy: Path, validate_dir, note, problem
):
    _replace(minimal_copy / "sources.yaml", '  date: "2021-06"\n', "  date: null\n")
    if note:
        _replace(
            minimal_copy / "resources.yaml", "  sources: [example-report]\n", f"  note: {note}\n  sources: [example-report]\n"
        )
    result = validate_dir(minimal_copy)
    message = "resources.yaml: record 'example-report-resource': field 'date': none of its sources has a date"
    assert (message in result.stderr) is problem, result.stderr
    assert result.returncode == (1 if problem else 0), result.stderr
