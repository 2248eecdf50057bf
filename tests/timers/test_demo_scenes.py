"""The demo's timeline scenes show what the founding document describes, instant by instant."""

from __future__ import annotations

import io

import pytest


@pytest.fixture(scope="module")
def demo() -> str:
    from mockcvm.demo import run

    out = io.StringIO()
    assert run(out) == 0
    return out.getvalue()


def _scene(demo: str, title: str) -> list[str]:
    start = demo.index(title)
    end = demo.find("\n== ", start)
    return demo[start : end if end != -1 else None].splitlines()


def test_scheduled_destroy_scene(demo: str) -> None:
    lines = _scene(demo, "Scheduled destroy")
    assert any("RUNNING   <- one second before ActionTime" in line for line in lines)
    assert any("TERMINATING   <- ActionTime" in line for line in lines)
    assert not any("SHUTDOWN" in line for line in lines[1:])
    assert "'DONE')" in lines[-1]


def test_arrears_scene(demo: str) -> None:
    lines = _scene(demo, "Arrears (")
    assert any(line.startswith("        t+4:00:00") and "STOPPED EXPIRED/ARREAR" in line for line in lines)
    assert any(line.startswith("    t+1d 04:00:00") and "TERMINATING" in line for line in lines)
    assert any("(not listed); " in line and "RUNNING" in line for line in lines)  # the prepaid one runs on


def test_every_timeline_scene_runs(demo: str) -> None:
    for title in (
        "TerminateInstances on a postpaid instance",
        "TerminateInstances on a prepaid instance",
        "release after 2 h",
        "Prepaid expiry",
        "a top-up 3 h in",
    ):
        assert "(not listed)" in "\n".join(_scene(demo, title)) or "never released" in demo
    assert "Traceback" not in demo
