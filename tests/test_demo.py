"""The README's first command: the demo runs, through both entry points, and prints what the client sees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_python_dash_m_mockcvm_demo_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockcvm", "demo"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "DescribeRegions -> 16 regions" in result.stdout
    assert "(TerminateInstances refund)" in result.stdout and "CreateKeyPair(demo) -> skey-" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_console_script_is_installed_and_runs() -> None:
    script = Path(sys.executable).with_name("mockcvm")
    assert script.exists(), "pip install -e . should install the `mockcvm` command"
    result = subprocess.run(
        [str(script), "demo"], capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n== ") >= 1
