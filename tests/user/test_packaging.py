"""The published metadata: SPDX license with its file, classifiers (typed), URLs, and a docs extra."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="module")
def project() -> dict[str, object]:
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs tomllib (Python 3.11+)")
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]  # type: ignore[no-any-return]


def test_the_license_is_an_spdx_expression_with_its_file(project: dict[str, object]) -> None:
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text("utf-8")[:200]


def test_classifiers_and_urls(project: dict[str, object]) -> None:
    classifiers = project["classifiers"]
    assert isinstance(classifiers, list)
    for wanted in ("Typing :: Typed", "Framework :: Pytest", "Topic :: Software Development :: Testing :: Mocking"):
        assert wanted in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX expression replaces them
    assert project["urls"]
    assert (ROOT / "mockcvm" / "py.typed").exists() and (ROOT / "pytest_mockcvm" / "py.typed").exists()


def test_the_extras_users_install_are_kept_and_docs_is_one_for_developers(project: dict[str, object]) -> None:
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)
    assert {"async", "sdk", "demo", "test", "docs"} <= set(extras)
    assert any(item.startswith("mockcvm[") and "docs" in item for item in extras["test"])  # CI builds the docs
