"""Lint, format and types, run with the tests: ruff (lint and format) on the whole project, mypy on the package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PATHS = ["app.py", "app_pages", "src", "tests", "scripts"]


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a tool installed beside this Python (the project's virtual environment) from the project root."""
    return subprocess.run(
        [str(Path(sys.executable).with_name(tool)), *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.lint
@pytest.mark.parametrize("args", [("check", *PATHS), ("format", "--check", *PATHS)], ids=["lint", "format"])
def test_ruff(args):
    result = run("ruff", *args)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.lint
def test_mypy_on_the_package():
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "path, banned",
    [("src/dashboard/data/probe.py", True), ("src/dashboard/views/probe.py", True), ("src/dashboard/ui/probe.py", False),
     ("app_pages/probe.py", False)],
)  # fmt: skip
def test_only_the_ui_package_and_the_page_scripts_may_import_streamlit(path, banned):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ruff")), "check", "--select", "TID251", "--stdin-filename", path, "-"],
        input="import streamlit as st\n\nst.write(1)\n", cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert ("TID251" in result.stdout) is banned, result.stdout


def test_no_test_module_imports_another():
    """Shared test helpers live in conftest.py; a test module importing another would run its tests twice
    and hide where a helper lives."""
    test_modules = {path.stem for path in (ROOT / "tests").rglob("test_*.py")}
    offenders = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names if name.split(".")[-1] in test_modules]
    assert offenders == []
