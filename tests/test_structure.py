"""The project's structure keeps its promises: pages registered once with deep links that cannot be
hijacked, the schema as the single source of the documentation, and docs that match the code."""

from __future__ import annotations

import ast
import json
import re

import jsonschema
import pytest
import yaml

from conftest import DATA_DIR, ROOT
from dashboard.data import dictionary, schema
from dashboard.state import links

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_page_script_is_registered_once_and_exists():
    scripts = [spec.script for spec in links.PAGE_SPECS]
    assert sorted(scripts) == sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py"))
    assert len({spec.key for spec in links.PAGE_SPECS}) == len(links.PAGE_SPECS)
    assert [spec.default for spec in links.PAGE_SPECS].count(True) == 1


def test_page_scripts_take_their_context_and_never_read_filters_themselves():
    for path in (ROOT / "app_pages").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "page_context()" in source, path.name
        assert 'session_state.get("sites")' not in source, path.name
        assert "require_catalog" not in source, path.name
        assert "streamlit." not in source.replace("import streamlit as st", ""), f"{path.name} imports Streamlit internals"
        assert '"app_pages/' not in source, f"{path.name} links by path string"
        assert "'app_pages/" not in source, f"{path.name} links by path string"


def test_page_scripts_define_no_functions_classes_or_lambdas():
    """A function made in a script's run refers to that run's globals (a visitor's uploaded map among them on Your
    ecosystem), which then stay until a full collection, and the server runs none after each run
    (``runner.postScriptGC``); one given to a widget as a callback keeps them for as long as Streamlit keeps the
    session. Page scripts and the entry script only wire the package's functions together."""
    for path in [*(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        made = [
            f"line {node.lineno}: {type(node).__name__}"
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
        ]
        assert made == [], (path.name, made)


def test_no_module_imports_streamlit_internals():
    for path in [*(ROOT / "src" / "dashboard").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]:
        imports = re.findall(r"^\s*(?:from|import) (streamlit[\w.]*)", path.read_text(encoding="utf-8"), re.M)
        assert set(imports) <= {"streamlit"}, (path.name, imports)


MAX_MODULE_LINES = 450  # the project's limit for one module of the app


def test_no_module_of_the_app_is_over_the_line_limit():
    paths = [*(ROOT / "src" / "dashboard").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]
    lengths = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    assert {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES} == {}


def test_one_letter_module_aliases_mean_one_module_everywhere():
    seen: dict[str, set[str]] = {}
    for path in [*(ROOT / "src").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        for module, alias in re.findall(
            r"^\s*(?:from [.\w]+ )?import ([.\w]+) as (\w)\b", path.read_text(encoding="utf-8"), re.M
        ):
            seen.setdefault(alias, set()).add(module.split(".")[-1])
    assert {alias: mods for alias, mods in seen.items() if len(mods) > 1} == {}


def test_readme_names_every_page_and_url_parameter():
    for spec in links.PAGE_SPECS:
        assert f"**{spec.title}**" in README, spec.title
        if not spec.default:
            assert f"`/{spec.url_path}`" in README, spec.url_path
    for parameter in links.URL_PARAMETERS:
        assert f"`{parameter}`" in README or f"`?{parameter}=" in README, parameter


def test_readme_layout_matches_the_tree():
    layout = README.split("## Layout", 1)[1].split("```", 2)[1]
    named = set(re.findall(r"(?:^|\s)([\w-]+(?:/[\w-]+)*(?:\.py|/|\.txt))", layout))
    for entry in ("app.py", "app_pages/", "src/dashboard/", "data/", "tests/", "requirements.txt", "deploy/", "scripts/"):
        if (ROOT / entry.rstrip("/")).exists():
            assert entry in named, f"README layout omits {entry}"
    tracked = {
        str(path.relative_to(ROOT)) for path in ROOT.rglob("*") if ".venv" not in path.parts and "node_modules" not in path.parts
    }
    for entry in named:
        assert any(path == entry.rstrip("/") or path.endswith("/" + entry.rstrip("/")) for path in tracked), (
            f"README layout names {entry}"
        )
    for module in (ROOT / "src" / "dashboard").rglob("*.py"):
        if module.name not in ("__init__.py", "__main__.py"):
            assert module.name in layout, f"README layout omits {module.relative_to(ROOT)}"
    for package in (ROOT / "src" / "dashboard").rglob("__init__.py"):
        if package.parent.name != "dashboard":
            assert f"{package.parent.name}/" in layout, f"README layout omits the package {package.parent.name}/"
    for script in (ROOT / "app_pages").glob("*.py"):
        assert script.name in layout, f"README layout omits app_pages/{script.name}"


def test_every_schema_field_says_what_it_means():
    rows = dictionary.data_dictionary()
    missing = rows[rows["meaning"].str.len() < 8]
    assert missing.empty, missing[["file", "field"]].to_dict("records")
    assert set(rows["file"]) == {schema.PROGRAM_FILE, *(table.file for table in schema.TABLES)}


def test_data_dictionary_lists_allowed_values_from_the_vocabularies():
    rows = dictionary.data_dictionary().set_index(["file", "field"])
    assert rows.loc[("organizations.yaml", "type"), "allowed values"].split(", ") == list(schema.ORGANIZATION_TYPES)
    assert "confirmed (two or more independent sources)" in rows.loc[("metrics.yaml", "confidence"), "allowed values"]
    assert rows.loc[("sites.yaml", "lat"), "type"] == "number"
    assert rows.loc[("sources.yaml", "url"), "type"] == "http(s) URL"
    assert rows.loc[("products.yaml", "launched"), "type"] == "date (YYYY, YYYY-MM or YYYY-MM-DD) or null"


def test_published_json_schemas_are_current():
    for file, expected in dictionary.json_schemas().items():
        path = DATA_DIR / dictionary.SCHEMA_DIR / dictionary.schema_file_name(file)
        assert json.loads(path.read_text(encoding="utf-8")) == expected, f"{path.name} is stale: run python -m dashboard schema"


def test_data_readme_vocabulary_table_is_current():
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    table = text.split(dictionary.VOCABULARY_START, 1)[1].split(dictionary.VOCABULARY_END, 1)[0].strip()
    assert table == dictionary.vocabulary_markdown(), "run python -m dashboard schema"


@pytest.mark.parametrize("file", [schema.PROGRAM_FILE, *(table.file for table in schema.TABLES)])
def test_each_data_file_names_its_schema_and_satisfies_it(file):
    path = DATA_DIR / file
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema=schema/{dictionary.schema_file_name(file)}"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(document, default=str)), dictionary.json_schemas()[file])


def test_json_schema_rejects_what_the_validator_rejects():
    sites_schema = dictionary.json_schemas()["sites.yaml"]
    good = yaml.safe_load((DATA_DIR / "sites.yaml").read_text(encoding="utf-8"))[0]
    for bad in (
        {**good, "role": "hub"},
        {**good, "mayor": "x"},
        {**good, "id": "Not A Slug"},
        {k: v for k, v in good.items() if k != "name"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([bad], sites_schema)


def test_every_cross_reference_names_real_tables_and_fields():
    for ref in schema.REFERENCES:
        model = schema.TABLES_BY_NAME[ref.table].model
        assert ref.field in model.model_fields, ref
        assert set(ref.targets) <= set(schema.TABLES_BY_NAME), ref
