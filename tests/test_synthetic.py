"""The synthetic program generator: valid data, the shipped counts times the factor, fictional names, repeatable."""

from __future__ import annotations

import pytest
import yaml

from conftest import DATA_DIR, run_cli
from scripts import synthetic_program as syn


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    target = tmp_path_factory.mktemp("synthetic") / "data"
    syn.write(syn.build(DATA_DIR, 2), DATA_DIR, target)
    return target


def records(directory, kind):
    return yaml.safe_load((directory / f"{kind}.yaml").read_text(encoding="utf-8"))


def test_generated_directory_validates(twice):
    checked = run_cli("validate", str(twice))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("OK:")


@pytest.mark.parametrize("kind", syn.SCALED)
def test_each_scaled_kind_is_the_shipped_count_times_the_factor(twice, kind):
    assert len(records(twice, kind)) == 2 * len(records(DATA_DIR, kind))


def test_metrics_cover_every_site_and_definition(twice):
    rows = records(twice, "metrics") + records(twice, "census")
    assert len(rows) == len(records(twice, "sites")) * len(records(twice, "metric_definitions"))
    assert {r["metric"] for r in records(twice, "census")} == {r["metric"] for r in records(DATA_DIR, "census")}


def test_names_and_links_are_fictional(twice):
    shipped_names = {
        r["name"] for kind in ("sites", "organizations", "products", "national_partners") for r in records(DATA_DIR, kind)
    }
    text = "\n".join((twice / f"{kind}.yaml").read_text(encoding="utf-8") for kind in syn.KINDS)
    assert not [name for name in shipped_names if name in text]
    assert all(r["name"].startswith("Synthetic City ") for r in records(twice, "sites"))
    urls = [r["url"] for r in records(twice, "sources") + records(twice, "resources")]
    assert urls
    assert all(url.startswith("https://example.org/synthetic/") for url in urls)


def test_same_seed_same_data_other_seed_other_data():
    assert syn.build(DATA_DIR, 1, seed=7) == syn.build(DATA_DIR, 1, seed=7)
    assert syn.build(DATA_DIR, 1, seed=7)["lessons"] != syn.build(DATA_DIR, 1, seed=8)["lessons"]


def test_command_line_writes_and_checks(tmp_path, capsys):
    assert syn.main([str(tmp_path / "out"), "--factor", "1"]) == 0
    assert "OK:" in capsys.readouterr().out
    assert (tmp_path / "out" / "schema" / "sites.json").is_file()  # the folders of the shipped data come along


def test_command_line_refuses_a_factor_below_one(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        syn.main([str(tmp_path / "out"), "--factor", "0"])
    assert exit_info.value.code == 2
    assert "--factor must be 1 or more" in capsys.readouterr().err
