"""Issue 6: what the pytest plugin costs.

    .venv/bin/python bench/bench_plugin.py [--quick]

1. Import of ``pytest_mockcvm.plugin`` after pytest (what every pytest run pays), and the modules it pulls in.
2. pytest start-up on one empty test with the plugin vs without it (goal: <= 10 ms more); third-party plugin
   autoload is off in both runs and the plugin is added with ``-p pytest_mockcvm.plugin``, so only it differs.

Process costs are CPU time (user + system) of the child pytest, median of paired runs (steadier than wall time
when other work shares the machine); bytecode is cached as in a normal install.
3. Per-test cost of the ``cvm`` fixture, setup plus teardown: a file of N tests using ``cvm`` vs the same N tests
   without it, in one pytest process each (goal: <= 2 ms per test). Also ``cvm`` + ``cvm_clock`` (freezegun), for
   information, and ``mock_cvm()`` start/stop by hand in a loop.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

_IMPORT_PROBE = """
import sys, time
import pytest
before = set(sys.modules)
started = time.perf_counter()
import pytest_mockcvm.plugin
elapsed = time.perf_counter() - started
new = sorted(m for m in set(sys.modules) - before)
heavy = [m for m in new if m.split(".")[0] in ("mockcvm", "tencentcloud", "freezegun", "time_machine", "httpx",
                                               "responses", "requests")]
print(elapsed, len(new), ",".join(heavy) or "-")
"""


def _env() -> dict[str, str]:
    """Bytecode cached as for a normal install (in a private prefix, so the tree stays clean)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "mockcvm-bench-pycache")
    return env


def _run(args: list[str], cwd: Path) -> float:
    """CPU seconds (user + system) of the child: steadier than wall time on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=_env())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0,):
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def import_cost(repeat: int) -> None:
    results = []
    for _ in range(repeat + 1):  # the first run writes the bytecode cache
        out = subprocess.run(
            [PY, "-c", _IMPORT_PROBE], capture_output=True, text=True, check=True, env=_env()
        ).stdout.split()
        results.append((float(out[0]), int(out[1]), out[2]))
    results = results[1:]
    seconds = statistics.median(r[0] for r in results)
    print(f"import pytest_mockcvm.plugin (pytest already imported): {seconds * 1e3:.2f} ms median of {repeat}; "
          f"new modules: {results[0][1]}; heavy modules loaded: {results[0][2]}")


def startup_cost(repeat: int, work: Path) -> None:
    (work / "test_empty.py").write_text("def test_empty():\n    pass\n")
    # Third-party plugins off (PYTEST_DISABLE_PLUGIN_AUTOLOAD) so that only mockcvm's differs between the runs.
    base = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_empty.py"]
    plugin = ["-p", "pytest_mockcvm.plugin"]
    with_plugin, without = [], []
    _run(base + plugin, work)  # warm the bytecode cache
    for _ in range(repeat):  # alternate, so drift hits both alike
        with_plugin.append(_run(base + plugin, work))
        without.append(_run(base, work))
    diffs = [a - b for a, b in zip(with_plugin, without)]
    print(f"pytest on one empty test: with plugin {statistics.median(with_plugin) * 1e3:.1f} ms, "
          f"without {statistics.median(without) * 1e3:.1f} ms; "
          f"plugin start-up cost {statistics.median(diffs) * 1e3:.1f} ms (median of {repeat} paired runs; goal <= 10)")


def fixture_cost(n: int, repeat: int, work: Path) -> None:
    files = {
        "plain": "def test_{i}():\n    pass\n",
        "cvm": "def test_{i}(cvm):\n    pass\n",
        "cvm_clock": "def test_{i}(cvm, cvm_clock):\n    pass\n",
    }
    for name, body in files.items():
        (work / f"test_many_{name}.py").write_text("".join(body.format(i=i) for i in range(n)))
    times: dict[str, list[float]] = {name: [] for name in files}
    _run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_mockcvm.plugin",
          "test_many_cvm_clock.py", "-x"], work)  # warm the bytecode cache
    for _ in range(repeat):
        for name in files:
            args = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_mockcvm.plugin",
                    f"test_many_{name}.py"]
            times[name].append(_run(args, work))
    plain = statistics.median(times["plain"])
    for name in ("cvm", "cvm_clock"):
        per_test = (statistics.median(times[name]) - plain) / n
        goal = " (goal <= 2 ms)" if name == "cvm" else " (info)"
        print(f"fixture {name}: setup + teardown {per_test * 1e3:.3f} ms per test{goal}; "
              f"{n} tests in {statistics.median(times[name]):.2f} s vs {plain:.2f} s without, median of {repeat}")


def by_hand_cost(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from mockcvm import mock_cvm

    mock_cvm().start()  # warm the imports
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            mock = mock_cvm()
            mock.start()
            mock.stop()
        samples.append((time.perf_counter() - started) / n)
    print(f"mock_cvm() start + stop by hand: {statistics.median(samples) * 1e3:.3f} ms (for reference)")


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        import_cost(5 if quick else 15)
        startup_cost(15 if quick else 41, work)
        fixture_cost(300 if quick else 1000, 3 if quick else 5, work)
        by_hand_cost(300 if quick else 2000)


if __name__ == "__main__":
    main()
