"""Type and lint gates: mypy (strict, configured in pyproject.toml) on mockcvm/ and pytest_mockcvm/, ruff on the repo.

They run in the default ``pytest``; while a change is half done, deselect them with ``-m "not gates"``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.gates


def _tool(name: str) -> list[str]:
    """Run the tool installed beside this interpreter (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return [found]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_mypy_strict_passes_on_the_package_and_the_plugin() -> None:
    done = _run(_tool("mypy") + ["--no-error-summary", "--hide-error-context"])  # files: [tool.mypy] in pyproject
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout}{done.stderr}"


def test_ruff_passes_on_the_repository() -> None:
    done = _run(_tool("ruff") + ["check", "--output-format", "concise", "--no-cache", "."])
    assert done.returncode == 0, f"ruff found problems:\n{done.stdout}{done.stderr}"
