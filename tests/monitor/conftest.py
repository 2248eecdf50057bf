"""Fixtures of the monitor tests."""

from tests.release.helpers import frozen_time  # noqa: F401  (autouse)
