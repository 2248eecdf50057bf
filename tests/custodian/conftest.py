"""Cloud Custodian policies run unmodified against mockcvm.

c7n-tencentcloud pins the all-in-one ``tencentcloud-sdk-python``, so these tests run in an environment of their
own (``pip install -e . --no-deps responses httpx freezegun time-machine pytest -r
tests/custodian/requirements.txt``; see the README). Where ``c7n_tencentcloud`` is not installed they are not
collected.
"""

from __future__ import annotations

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("c7n_tencentcloud") else ["test_*.py"]
