"""Settings shared by the quality tests (state machine, fuzzing, threads, gates)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def examples(default: int, deep: int = 0) -> int:
    """How many Hypothesis examples a test runs: ``default`` in CI (sized so that the suite stays within a
    minute on 2 cores), ``deep`` (at least ``default``) with ``MOCKCVM_DEEP=1``, ``$MOCKCVM_HYPOTHESIS_EXAMPLES``
    if set."""
    wanted = os.environ.get("MOCKCVM_HYPOTHESIS_EXAMPLES", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    if os.environ.get("MOCKCVM_DEEP", "") not in ("", "0"):
        return max(default, deep)
    return default


def quality_settings(default_examples: int, deep: int = 0, **more: object) -> settings:
    return settings(
        max_examples=examples(default_examples, deep),
        deadline=None,  # a busy 2-core CI machine makes per-example deadlines flaky
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        derandomize=os.environ.get("MOCKCVM_HYPOTHESIS_RANDOM", "") == "",
        **more,  # type: ignore[arg-type]
    )


def pytest_configure(config: object) -> None:
    config.addinivalue_line(  # type: ignore[attr-defined]
        "markers", "gates: the mypy and ruff gates (deselect with -m 'not gates' while a change is half done)"
    )
