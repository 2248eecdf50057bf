"""``mockcvm demo`` teaches: each scene shows its SDK code and its own ids, speaks English, and behaves as a
command-line tool (``--version``, plain ``--help``, a quiet end on a closed pipe, a hint for a missing extra)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from mockcvm import __version__


@pytest.fixture(scope="module")
def scenes() -> list[str]:
    from mockcvm.demo import run

    out = io.StringIO()
    assert run(out) == 0
    return out.getvalue().split("\n== ")[1:]


def test_each_scene_shows_the_sdk_code_it_runs(scenes: list[str]) -> None:
    assert len(scenes) == 9
    for scene in scenes:
        code = [line for line in scene.splitlines() if line.startswith("   | ")]
        assert code, f"no code shown in: {scene.splitlines()[0]}"


def test_each_scene_has_ids_of_its_own(scenes: list[str]) -> None:
    seen: dict[str, str] = {}
    for scene in scenes:
        for instance_id in set(re.findall(r"\bins-[0-9a-z]{8}\b", scene)):
            assert instance_id not in seen, f"{instance_id} in {seen.get(instance_id)!r} and {scene[:40]!r}"
            seen[instance_id] = scene[:40]
    assert len(seen) >= 8


def test_the_demo_speaks_english_and_cites_nothing_internal(scenes: list[str]) -> None:
    text = "\n".join(scenes)
    for internal in ("SPEC", "§", "STYLE", "issue "):
        assert internal not in text
    for scene in scenes:
        title = scene.splitlines()[0]
        assert re.match(r"^[A-Za-z]", title), title  # Chinese only as a quote of the console's own words


def _mockcvm(*args: str, **extra: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockcvm", *args], capture_output=True, text=True, timeout=60, check=False,
        **extra,  # type: ignore[call-overload]
    )


def test_version_and_plain_help() -> None:
    version = _mockcvm("--version")
    assert (version.returncode, version.stdout.strip()) == (0, f"mockcvm {__version__}")
    shown = _mockcvm("--help")
    assert shown.returncode == 0
    assert "``" not in shown.stdout and "demo" in shown.stdout


def test_a_closed_pipe_ends_the_demo_quietly() -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "mockcvm", "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert demo.stdout is not None and demo.stderr is not None
    demo.stdout.read(200)
    demo.stdout.close()  # like `mockcvm demo | head -c 200`
    errors = demo.stderr.read().decode()
    assert demo.wait(timeout=60) == 0
    assert errors == ""


def test_a_missing_extra_is_a_one_line_hint() -> None:
    probe = "import sys; sys.modules['freezegun'] = None; from mockcvm.__main__ import main; sys.exit(main(['demo']))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr == "mockcvm demo needs freezegun: pip install 'mockcvm[demo]'\n"
    assert done.stdout == ""
