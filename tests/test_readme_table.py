"""The README's "What is faked" table lists exactly the actions mockcvm registers."""

from __future__ import annotations

import re
from pathlib import Path

from mockcvm.dispatch import implemented_actions

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_table_is_the_registry() -> None:
    text = README.read_text("utf-8").split("## What is faked", 1)[1]
    listed = set()
    for service, actions in re.findall(r"^\| (\w+) \d{4}-\d{2}-\d{2} \| ([^|]+) \|$", text, re.MULTILINE):
        listed |= {(service, action.strip()) for action in actions.split(",")}
    assert listed == set(implemented_actions())
