"""Helpers for the tests of the user's side: run test files as a user would, in one pytest subprocess."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from tests.plugin import RUN_ARGS


@dataclass
class Run:
    """The outcome of every test of a user's run, by ``file::name``, and what pytest printed."""

    outcomes: dict[str, str]
    output: str

    def outcome(self, test: str) -> str:
        return self.outcomes.get(test, f"(no such test; ran {sorted(self.outcomes)})")


def run_user_files(work: Path, files: dict[str, str], ini: str = "[pytest]\n") -> Run:
    """Write ``files`` into ``work`` and run pytest on them in a subprocess (the plugin patches global classes)."""
    for name, text in files.items():
        (work / name).write_text(text, encoding="utf-8")
    (work / "pytest.ini").write_text(ini, encoding="utf-8")
    report = work / "report.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *RUN_ARGS, "-q", "-rA", f"--junitxml={report}", "."],
        cwd=work, capture_output=True, text=True, timeout=300, check=False,
    )
    outcomes: dict[str, str] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        key = f"{case.get('classname', '').split('.')[-1]}::{case.get('name', '')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        if key not in outcomes or outcome != "passed":  # a teardown error is a second case of the same test
            outcomes[key] = outcome
    return Run(outcomes, done.stdout + done.stderr)
