"""Run every benchmark and print one table of ratios to the transport floor measured in the same run.

    .venv/bin/python -m bench            # the full run (a few minutes on 2 cores); writes bench/RESULTS.md
    .venv/bin/python -m bench --quick    # under a minute, smaller worlds and fewer repetitions
    .venv/bin/python -m bench --only instances,release   # some suites (and scripts) only

Each suite is a module ``bench/bench_<name>.py``. A suite with a ``rows(quick: bool) -> list[Row]`` function
(``bench.harness.Row``) joins the table; any other ``bench_*.py`` is run as a script in the full run (or with
``--scripts``, then with ``--quick`` in quick mode), and its output is appended below the table. A row whose
feature is not built yet prints "n/a (not built)".
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: Suites that come first in the table, in this order; any other suite with ``rows()`` follows alphabetically.
FIRST_SUITES = ("foundation", "instances", "release")


def _suites() -> tuple[list[str], list[Path]]:
    """(suites with a ``rows(quick)`` function, in table order; stand-alone scripts)."""
    with_rows, scripts = [], []
    for path in sorted(HERE.glob("bench_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "rows" for node in tree.body):
            with_rows.append(path.stem[len("bench_"):])
        else:
            scripts.append(path)
    with_rows.sort(key=lambda name: (FIRST_SUITES.index(name) if name in FIRST_SUITES else len(FIRST_SUITES), name))
    return with_rows, scripts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller worlds, fewer repetitions (< 1 minute)")
    parser.add_argument("--only", default="", help="comma-separated suite names (default: all)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    parser.add_argument("--scripts", action=argparse.BooleanOptionalAction, default=None,
                        help="also run the stand-alone bench_*.py scripts (default: in the full run only)")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    from bench.harness import Row

    started = time.perf_counter()
    rows: list[Row] = []
    table_suites, all_scripts = _suites()
    for suite in table_suites:
        if wanted and suite not in wanted:
            continue
        print(f"-- {suite}", file=sys.stderr, flush=True)
        suite_started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.bench_{suite}")
            rows.extend(module.rows(args.quick))
        except Exception:
            rows.append(Row("?", f"suite {suite} crashed", None, note="ERROR", detail=_last_line()))
            traceback.print_exc()
        print(f"   {time.perf_counter() - suite_started:.1f} s", file=sys.stderr, flush=True)

    extra_sections = []
    scripts = all_scripts if (args.scripts if args.scripts is not None else not args.quick) else []
    for script in scripts:
        suite = script.stem[len("bench_"):]
        if wanted and suite not in wanted:
            continue
        print(f"-- {suite} (script)", file=sys.stderr, flush=True)
        section, script_rows = _run_script(script, args.quick)
        extra_sections.append(section)
        rows.extend(script_rows)

    elapsed = time.perf_counter() - started
    table = render(rows)
    header = _header(args.quick, elapsed)
    print()
    print(header)
    print(table)
    for section in extra_sections:
        print(section)
    if not args.no_write:
        text = "# mockcvm benchmark results\n\n" + header + "\n" + table + "\n" + "\n".join(extra_sections)
        (HERE / "RESULTS.md").write_text(text + "\n", encoding="utf-8")
        print(f"written to {HERE / 'RESULTS.md'}", file=sys.stderr)
    return 1 if any(row.status == "ERROR" for row in rows) else 0


def _last_line() -> str:
    lines = traceback.format_exc().strip().splitlines()
    return lines[-1] if lines else ""


def _run_script(script: Path, quick: bool) -> tuple[str, list[Any]]:
    """Run a stand-alone bench script; keep its output as a section of the results."""
    from bench.harness import Row

    command = [sys.executable, str(script)] + (["--quick"] if quick else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    except subprocess.TimeoutExpired:
        return f"\n### {script.name}\n\ntimed out after 900 s\n", [
            Row("?", f"{script.name}", None, note="ERROR", detail="timed out")
        ]
    elapsed = time.perf_counter() - started
    output = (done.stdout.strip() or "(no output)")
    if done.returncode:
        output += "\n" + "\n".join(done.stderr.strip().splitlines()[-15:])
    section = f"\n### {script.name} ({elapsed:.1f} s, exit {done.returncode})\n\n```\n{output}\n```\n"
    status: list[Any] = []
    if done.returncode:
        status.append(Row("?", script.name, None, note="ERROR", detail=f"exit {done.returncode}; see below"))
    return section, status


def render(rows: list[Any]) -> str:
    head = ("issue", "benchmark", "result", "goal", "status", "detail")
    body = [(r.issue, r.name, r.shown_value(), r.shown_goal(), r.status, r.detail) for r in rows]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in line) + " |" for line in body]
    return "\n".join(lines)


def _header(quick: bool, elapsed: float) -> str:
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    import tencentcloud

    sdk = getattr(tencentcloud, "__version__", "?")
    return (
        f"{'Quick' if quick else 'Full'} run, {when}, {elapsed:.0f} s; Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPU(s), tencentcloud-sdk-python-common {sdk}.\n"
        "Ratios are mockcvm / floor, where the floor is the same SDK call answered by a canned transport "
        "(requests: `responses` callback; async: patched httpx transport) returning the very body mockcvm "
        "returned; median of paired batches.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
