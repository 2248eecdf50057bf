"""Issue 6: what the pytest plugin costs.

    .venv/bin/python bench/bench_plugin.py [--quick]

1. Import of ``pytest_mockcvm.plugin`` after pytest (what every pytest run pays), and the modules it pulls in.
2. pytest start-up on one empty test with the plugin vs without it (goal: <= 10 ms more); third-party plugin
   autoload is off in both runs and the plugin is added with ``-p pytest_mockcvm.plugin``, so only it differs.
   A process start varies by more than 10 ms on a shared machine, so the plugin's own start-up work (import,
   registration with its ini options, configure) is also timed inside one process.
3. Per-test cost of the ``cvm`` fixture, setup plus teardown: a file of N tests using ``cvm`` vs the same N tests
   without it (goal: <= 2 ms per test), timed inside pytest (setup + teardown phases) and as process CPU time.
   Also ``cvm`` + ``cvm_clock`` (freezegun), for information, and ``mock_cvm()`` start/stop by hand in a loop.

Process costs are CPU time (user + system) of the child pytest, median of paired runs (steadier than wall time
when other work shares the machine); bytecode is cached as in a normal install.
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


_TIMING_CONFTEST = """
import os, time
import pytest

_spent = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    started = time.perf_counter()
    yield
    _spent.append(time.perf_counter() - started)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    started = time.perf_counter()
    yield
    _spent.append(time.perf_counter() - started)


def pytest_unconfigure(config):
    with open(os.environ["BENCH_PHASES_OUT"], "a") as out:
        out.write(f"{sum(_spent)}\\n")
"""


def _phase_seconds(args: list[str], cwd: Path) -> float:
    """Seconds spent in setup + teardown phases of all tests, measured inside the pytest process."""
    out = cwd / "phases.txt"
    out.unlink(missing_ok=True)
    env = _env()
    env["BENCH_PHASES_OUT"] = str(out)
    subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=True)
    return float(out.read_text().split()[-1])


_COMPONENTS_PROBE = """
import importlib, statistics, sys, time
from _pytest.config import get_config

samples = []
for _ in range(int(sys.argv[1])):
    for name in ("pytest_mockcvm.plugin", "pytest_mockcvm"):
        sys.modules.pop(name, None)
    config = get_config()
    started = time.perf_counter()
    module = importlib.import_module("pytest_mockcvm.plugin")
    config.pluginmanager.register(module, "mockcvm")  # replays pytest_addoption (historic) on the config
    module.pytest_configure(config)
    samples.append(time.perf_counter() - started)
print(statistics.median(samples))
"""


def startup_components(repeat: int, work: Path) -> None:
    """What the plugin itself does at start-up, timed in one process: import + register (addoption) + configure."""
    out = subprocess.run(
        [PY, "-c", _COMPONENTS_PROBE, str(repeat)], cwd=work, capture_output=True, text=True, env=_env(), check=True
    ).stdout.split()
    print(f"plugin start-up work in one process (import, register with its ini options, configure): "
          f"{float(out[-1]) * 1e3:.2f} ms median of {repeat} (goal <= 10)")


def fixture_cost(n: int, repeat: int, work: Path) -> None:
    files = {
        "plain": "def test_{i}():\n    pass\n",
        "cvm": "def test_{i}(cvm):\n    pass\n",
        "cvm_clock": "def test_{i}(cvm, cvm_clock):\n    pass\n",
    }
    # The same one-time warm-up in every file (imports, a first activation, a first freeze), so the difference
    # between the files is the per-test cost only.
    warm = (
        "from freezegun import freeze_time\nfrom mockcvm import mock_cvm\n"
        "with freeze_time('2026-01-01'):\n    pass\n_m = mock_cvm()\n_m.start()\n_m.stop()\n"
    )
    for name, body in files.items():
        (work / f"test_many_{name}.py").write_text(warm + "".join(body.format(i=i) for i in range(n)))
    times: dict[str, list[float]] = {name: [] for name in files}
    _run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_mockcvm.plugin",
          "test_many_cvm_clock.py", "-x"], work)  # warm the bytecode cache
    for _ in range(repeat):
        for name in files:
            args = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_mockcvm.plugin",
                    f"test_many_{name}.py"]
            times[name].append(_run(args, work))
    phases: dict[str, list[float]] = {name: [] for name in files}
    (work / "conftest.py").write_text(_TIMING_CONFTEST)
    for _ in range(repeat):
        for name in files:
            args = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_mockcvm.plugin",
                    f"test_many_{name}.py"]
            phases[name].append(_phase_seconds(args, work))
    (work / "conftest.py").unlink()
    for name in ("cvm", "cvm_clock"):
        per_test = (statistics.median(phases[name]) - statistics.median(phases["plain"])) / n
        print(f"fixture {name}: setup + teardown phases {per_test * 1e3:.3f} ms per test more than a test without "
              f"it (timed inside pytest, median of {repeat})")
    plain = statistics.median(times["plain"])
    for name in ("cvm", "cvm_clock"):
        per_test = (statistics.median(times[name]) - plain) / n
        goal = " (goal <= 2 ms)" if name == "cvm" else " (info)"
        print(f"fixture {name}: process CPU {per_test * 1e3:.3f} ms per test{goal}; "
              f"{n} tests in {statistics.median(times[name]):.2f} s vs {plain:.2f} s without, median of {repeat}")


def by_hand_cost(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from mockcvm import mock_cvm

    warm = mock_cvm()  # the imports
    warm.start()
    warm.stop()
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
        startup_components(30 if quick else 100, work)
        fixture_cost(300 if quick else 1000, 3, work)
        by_hand_cost(300 if quick else 2000)


if __name__ == "__main__":
    main()
