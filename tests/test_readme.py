"""Every ```python block of the README is a complete test file; each must run and pass, as a user would run it.

The blocks run together in one pytest subprocess (the plugin patches global classes, and one start-up is cheaper
than one per block); each block then has a test here that reports its own outcome and output.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _BLOCK.finditer(text)]


BLOCKS = _blocks()


@pytest.fixture(scope="module")
def readme_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[tuple[str, str]]], str]:
    """Run every block; return {file stem: [(test name, outcome)]} and the whole output."""
    work = tmp_path_factory.mktemp("readme")
    for index, (_, code) in enumerate(BLOCKS):
        (work / f"test_readme_{index}.py").write_text(code, encoding="utf-8")
    (work / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # not the project's own settings
    report = work / "report.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q",
         f"--junitxml={report}", "."],
        cwd=work, capture_output=True, text=True, timeout=600,
    )
    outcomes: dict[str, list[tuple[str, str]]] = {}
    if report.exists():
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            stem = case.get("classname", "").split(".")[0]
            outcome = "passed"
            for child in case:
                if child.tag in ("failure", "error", "skipped"):
                    outcome = child.tag
            outcomes.setdefault(stem, []).append((case.get("name", ""), outcome))
    return outcomes, done.stdout + done.stderr


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[f"README.md:{line}" for line, _ in BLOCKS])
def test_readme_example_runs(readme_run: tuple[dict[str, list[tuple[str, str]]], str], index: int) -> None:
    outcomes, output = readme_run
    line = BLOCKS[index][0]
    cases = outcomes.get(f"test_readme_{index}", [])
    assert cases, f"the example at README.md:{line} ran no test.\n{output}"
    bad = [(name, outcome) for name, outcome in cases if outcome != "passed"]
    assert not bad, f"the example at README.md:{line} did not pass: {bad}\n{output}"
