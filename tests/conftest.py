"""Shared test fixtures: the shipped catalog, a writable copy of a data directory, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
MINIMAL_DIR = ROOT / "tests" / "fixtures" / "minimal"


@pytest.fixture(scope="session")
def catalog():
    """The shipped dataset, loaded once."""
    from dashboard.data import load_catalog

    return load_catalog(DATA_DIR)


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A writable copy of the small fictional dataset."""
    target = tmp_path / "data"
    shutil.copytree(MINIMAL_DIR, target)
    return target


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dashboard ARGS`` as a user would; return the finished process."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=120,
    )
