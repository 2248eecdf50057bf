"""The dashboard in a real headless browser (Debian's chromium): it draws the world from the control API."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from mockcvm.server import ThreadedServer
from tests.server.conftest import RUN, call, require_binary, sdk_client

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_the_dashboard_shows_the_world_in_a_browser_and_keeps_it_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = require_binary("chromium")
    with ThreadedServer(port=0, frozen=True, start="2026-01-05T04:00:00Z", seed=21) as server:
        polls = []
        first_state = server.served.state

        def state() -> dict[str, Any]:
            polls.append(1)
            if len(polls) == 2:  # a change that lands while the page is open: the next poll must show it
                server.cloud.seed_instances(1, name="arrived-later")
            return first_state()

        monkeypatch.setattr(server.served, "state", state)
        client = sdk_client(server)
        ids = call(client, "RunInstances", dict(RUN, InstanceCount=2, InstanceName="web")).InstanceIdSet
        server.tick(5)
        call(client, "TerminateInstances", {"InstanceIds": ids[:1]})
        [address] = call(sdk_client(server, "vpc"), "AllocateAddresses", {"AddressCount": 1}).AddressSet
        with pytest.raises(Exception):  # noqa: B017 - any refusal: the dashboard shows its code
            call(client, "StartInstances", {"InstanceIds": ["ins-00000000"]})
        done = subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={tmp_path}", "--virtual-time-budget=3000", "--dump-dom",
             f"{server.url}/_mockcvm/"],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "2026-01-05T04:00:05Z" in dom  # the world's time
    assert ids[0] in dom and ids[1] in dom and "web1" in dom
    assert "TERMINATING → RELEASED" in dom and "POSTPAID_BY_HOUR" in dom
    assert "<td>1000000</td>" in dom  # the balance (nothing settled yet: the clock is frozen)
    assert address in dom and "0.20" in dom  # the idle EIP and its cost per hour
    assert "InvalidInstanceId.NotFound" in dom  # the latest calls with their codes
    assert f"settle {ids[0]} TerminateInstances" in dom  # upcoming
    assert 'data-tick="3600"' in dom and 'data-tick="86400"' in dom and 'data-tick="604800"' in dom
    assert "cannot reach the server" not in dom
    assert len(polls) >= 3 and "arrived-later" in dom  # it polled on and drew what came in meanwhile


def test_the_dashboard_is_served_by_the_package_without_a_cdn(server: ThreadedServer) -> None:
    for name in ("", "dashboard.js", "dashboard.css"):
        with urllib.request.urlopen(f"{server.url}/_mockcvm/{name}") as answer:
            text = answer.read().decode()
        assert answer.status == 200 and "http://" not in text and "https://" not in text
