"""MkDocs hooks that make the pages generated from the code: the home page from the README, one page per faked
service from the action registry (action by action, with the semantics decisions that name it), and the
benchmark results. Configured in mkdocs.yml (``hooks:``); nothing here runs outside a docs build except in tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: README links that point into the repository, and where they lead on the site.
_README_LINKS = (("](docs/", "]("), ("](bench/RESULTS.md)", "](benchmarks.md)"))


def home_page() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    for old, new in _README_LINKS:
        text = text.replace(old, new)
    return text


def benchmarks_page() -> str:
    return (ROOT / "bench" / "RESULTS.md").read_text("utf-8")


def _semantics_tables() -> list[tuple[list[str], list[str]]]:
    """Every table of docs/semantics.md: (its header and separator lines, its rows)."""
    tables: list[tuple[list[str], list[str]]] = []
    lines = (ROOT / "docs" / "semantics.md").read_text("utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|") and index + 1 < len(lines) and lines[index + 1].startswith("|---"):
            if index == 0 or not lines[index - 1].startswith("|"):
                tables.append(([line, lines[index + 1]], []))
        elif line.startswith("|") and not line.startswith("|---") and tables and index > 1:
            if lines[index - 1].startswith("|"):
                tables[-1][1].append(line)
    return tables


def service_page(service: str) -> str:
    """The page of one faked service: what it answers, action by action, and what it does not."""
    from mockcvm.dispatch import implemented_actions
    from mockcvm.protocol.schema import service_schema, version_of

    faked = [action for svc, action in implemented_actions() if svc == service]
    every = sorted(service_schema(service)["actions"])
    tables = _semantics_tables()
    lines = [
        f"# {service} {version_of(service)}",
        "",
        f"mockcvm answers {len(faked)} of the {len(every)} actions of the official API description of "
        f"`{service}`. Every other action answers `UnsupportedOperation` (`mockcvm does not implement "
        f"{service}:<Action> yet`), and `strict=True` fails the test that calls one. Parameters are checked "
        "against the official description for every action, faked or not.",
        "",
        "This page is generated from the action registry and from [the semantics](../semantics.md).",
        "",
    ]
    for action in faked:
        lines += [f"## {action}", ""]
        found = False
        for header, table_rows in tables:
            decisions = [row for row in table_rows if re.search(rf"\b{action}\b", row.split("|")[1])]
            if decisions:
                lines += [*header, *decisions, ""]
                found = True
        if not found:
            lines += ["Answered with the shapes of the official description; the rules that apply to every action "
                      "are in [the semantics](../semantics.md).", ""]
    missing = [action for action in every if action not in faked]
    if missing:
        lines += ["## Not faked", "", ", ".join(f"`{action}`" for action in missing), ""]
    return "\n".join(lines)


def services() -> tuple[str, ...]:
    from mockcvm.protocol.schema import SERVICES

    return SERVICES


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages to the build."""
    from mkdocs.structure.files import File

    pages = {"index.md": home_page(), "benchmarks.md": benchmarks_page()}
    pages.update({f"services/{service}.md": service_page(service) for service in services()})
    for path, content in pages.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_config(config: Any) -> Any:
    """List the service pages in the navigation, whatever services there are."""
    for entry in config["nav"]:
        if isinstance(entry, dict) and "Services" in entry:
            entry["Services"] = [{service: f"services/{service}.md"} for service in services()]
    return config


_ROLE = re.compile(r":(?:class|meth|func|data|mod|attr|exc|obj):(<code>)(?:~(?:[\w]+\.)*)?")


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Docstrings use reST roles (``:class:`Cloud```); show them as the plain code they wrap."""
    return _ROLE.sub(r"\1", html)
