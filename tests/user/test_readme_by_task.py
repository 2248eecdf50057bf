"""The README is organised by task, and every task a new user reaches for has a running example (the examples
themselves run in tests/test_readme.py)."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def _examples(title: str) -> str:
    return "\n".join(re.findall(r"```python\n(.*?)```", _section(title), re.DOTALL))


def test_a_reaper_with_tags_filters_paging_and_eip_release() -> None:
    code = _examples("A reaper: tags, filters, paging and elastic IPs")
    for needed in ('"Name": f"tag:{key}"', "Offset=offset", "TotalCount", "ReleaseAddresses", "address-status"):
        assert needed in code


def test_disks_the_bill_async_and_seeding_have_examples() -> None:
    assert all(a in _examples("Disks and their lifecycle") for a in ("CreateDisks", "AttachDisks", "TerminateDisks"))
    bill = _section("The bill and the balance")
    assert "Yuan in, cents out" in bill and "`Balance` is `450`" in bill
    assert "DescribeAccountBalance" in _examples("The bill and the balance")
    assert "await" in _examples("Async clients")
    assert "seed_instances(" in _examples("Seeding big worlds")


def test_sleeping_is_shown_both_ways() -> None:
    code = _examples("Moving time")
    assert 'sleep="advance"' in code and "test_sleep_is_real_by_default" in code


def test_coming_from_moto_maps_habits_to_mockcvm() -> None:
    rows = [line for line in _section("Coming from moto").splitlines() if line.startswith("| `")]
    assert len(rows) >= 8
    assert any("@mock_aws" in row and "@mock_cvm" in row for row in rows)


def test_every_client_fixture_is_named() -> None:
    from mockcvm.protocol.schema import SERVICES

    clients = _section("Clients for every service")
    for service in SERVICES:
        assert f"`{service}_client`" in clients
    assert "tc_client(" in clients


def test_there_is_a_place_for_server_mode_and_the_network_guard() -> None:
    assert "<!-- Server mode: its section goes here" in README or "\n## Server mode" in README
    assert "\n## Nothing ever reaches the network" in README
