"""What a user reads names nothing internal, and the documentation site's generated pages come from the code.

The site itself is built in strict mode by CI (.ci/run: ``mkdocs build --strict``); these checks are the fast part.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INTERNAL = re.compile(r"SPEC|§|STYLE|[Ii]ssue [0-9]|steering repositor|shared/")


def _read(paths: list[Path]) -> list[tuple[str, int, str]]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if INTERNAL.search(line):
                found.append((str(path.relative_to(ROOT)), number, line.strip()))
    return found


def test_readme_and_docs_pages_cite_nothing_internal() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert _read(pages) == []


def test_code_docstrings_and_messages_cite_nothing_internal() -> None:
    sources = sorted((ROOT / "mockcvm").rglob("*.py")) + sorted((ROOT / "pytest_mockcvm").rglob("*.py"))
    assert _read(sources) == []


@pytest.fixture(scope="module")
def hooks() -> object:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import mkdocs_hooks
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return mkdocs_hooks


def test_every_faked_action_has_its_section_on_its_service_page(hooks: object) -> None:
    from mockcvm.dispatch import implemented_actions
    from mockcvm.protocol.schema import SERVICES

    pages = {service: hooks.service_page(service) for service in SERVICES}  # type: ignore[attr-defined]
    for service, action in implemented_actions():
        assert f"\n## {action}\n" in pages[service]
    assert "| ReleaseAddresses | Only `UNBIND` EIPs" in pages["vpc"]  # the semantics decision, quoted
    assert "`DescribeChcHosts`" in pages["cvm"].split("## Not faked")[1]


def test_the_site_keeps_the_explanation_pages_and_has_a_reference_and_a_change_log() -> None:
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    for page in ("semantics.md", "internals.md", "threads.md", "reference.md", "changelog.md"):
        assert page in config and (ROOT / "docs" / page).exists()
    assert "strict: true" in config and "mkdocstrings" in config
    assert "mkdocs build --strict" in (ROOT / ".ci" / "run").read_text("utf-8")
