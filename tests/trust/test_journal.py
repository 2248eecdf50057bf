"""A bounded journal with exact counts, and assert_called that matches parameters and explains every miss."""

from __future__ import annotations

import asyncio

import pytest

from mockcvm import mock_cvm
from mockcvm.protocol.messages import HttpRequest
from tests import sdk

ZONE_FILTER = [{"Name": "zone", "Values": ["ap-guangzhou-3"]}]


def test_the_journal_keeps_the_latest_calls_not_every_call_forever() -> None:
    with mock_cvm(journal_size=5) as cloud:
        client = sdk.client("cvm")
        for _ in range(12):
            sdk.call(client, "DescribeRegions")
        assert len(cloud.journal) == 5 and cloud.journal.dropped == 7
        assert cloud.journal.count("DescribeRegions") == 12
        cloud.assert_called("DescribeRegions", times=12)  # counts stay exact for the whole activation
        with pytest.raises(AssertionError, match="7 older call"):
            cloud.assert_called("DescribeRegions", times=11)


def test_large_parameters_are_kept_compactly_and_read_back_as_sent() -> None:
    filters = [{"Name": "tag:team", "Values": [f"team-{i:04d}-{'x' * 150}" for i in range(5)]}] * 10
    with mock_cvm() as cloud:
        sdk.call(sdk.client("cvm"), "DescribeInstances", Filters=filters)
        (call,) = cloud.calls("DescribeInstances")
        assert call._params is None and call._body is not None
        assert call.params == {"Filters": filters}


def test_internal_errors_and_unimplemented_calls_are_bounded() -> None:
    with mock_cvm() as cloud:
        client = sdk.client("cvm")
        for _ in range(150):
            with pytest.raises(sdk.SDKError):
                sdk.call(client, "DescribeChcHosts")
        assert len(cloud.world.unimplemented) == 100 and cloud.world.unimplemented.dropped == 50
        for _ in range(120):
            cloud.world.internal_errors.append("a traceback")
        assert len(cloud.world.internal_errors) == 100


def test_assert_called_with_ok_false_names_the_condition_and_marks_each_call() -> None:
    with mock_cvm() as cloud:
        sdk.call(sdk.client("cvm"), "DescribeZones")
        with pytest.raises(AssertionError) as caught:
            cloud.assert_called("DescribeZones", times=1, ok=False)
    lines = str(caught.value).splitlines()
    assert lines[0] == ("expected DescribeZones to be called 1 time(s), with ok=False; it was called 0 time(s) "
                        "meeting every condition.")
    assert lines[1] == "Checked: action='DescribeZones', ok=False."
    assert lines[3] == "     cvm:DescribeZones region=ap-guangzhou -> ok  [met: action; not met: ok]"


def test_assert_called_matches_a_subset_of_the_parameters_sync_and_async() -> None:
    async def describe_async() -> None:
        client = sdk.client("cvm", asynchronous=True)
        async with client:
            await client.DescribeInstances(sdk.request("cvm", "DescribeInstances", Limit=7))

    with mock_cvm() as cloud:
        sdk.call(sdk.client("cvm"), "DescribeInstances", Limit=5, Filters=ZONE_FILTER)
        asyncio.run(describe_async())
        cloud.assert_called("DescribeInstances", 1, params={"Limit": 5})
        cloud.assert_called("DescribeInstances", 1, params={"Limit": 7})
        cloud.assert_called("DescribeInstances", 1, params={"Filters": [{"Name": "zone"}]})
        cloud.assert_called("DescribeInstances", 2, region="ap-guangzhou")
        cloud.assert_called("DescribeInstances", 0, params={"Limit": 6})
        with pytest.raises(AssertionError) as caught:
            cloud.assert_called("DescribeInstances", params={"Limit": 6}, ok=True)
    text = str(caught.value)
    assert "Checked: action='DescribeInstances', ok=True, params={'Limit': 6}." in text
    assert '  [met: action, ok; not met: params]  {"Limit": 5}' in text
    assert '  [met: action, ok; not met: params]  {"Limit": 7}' in text


def test_assert_called_marks_the_calls_that_met_every_condition() -> None:
    with mock_cvm() as cloud:
        sdk.call(sdk.client("cvm"), "DescribeInstances", Limit=5)
        with pytest.raises(AssertionError) as caught:
            cloud.assert_called("DescribeInstances", times=2, params={"Limit": 5})
    assert "  -> cvm:DescribeInstances region=ap-guangzhou -> ok  [met: action, params; not met: -]" in str(
        caught.value)


def test_assert_called_with_params_after_calls_left_the_journal_says_it_cannot_count_them() -> None:
    with mock_cvm(journal_size=2) as cloud:
        client = sdk.client("cvm")
        for limit in (5, 5, 6):
            sdk.call(client, "DescribeInstances", Limit=limit)
        cloud.assert_called("DescribeInstances", params={"Limit": 6})  # at least once: the kept call shows it
        with pytest.raises(AssertionError, match=r"raise mock_cvm\(journal_size=...\)"):
            cloud.assert_called("DescribeInstances", 1, params={"Limit": 5})


def test_assert_called_refuses_a_bad_times_or_params() -> None:
    with mock_cvm() as cloud:
        with pytest.raises(ValueError, match="times"):
            cloud.assert_called("DescribeZones", times=-1)
        with pytest.raises(ValueError, match="params"):
            cloud.assert_called("DescribeZones", params=[("Limit", 5)])  # type: ignore[arg-type]


def test_a_call_the_parser_could_not_read_is_journaled_with_empty_params() -> None:
    with mock_cvm() as cloud:
        cloud._handle(HttpRequest("POST", "https://cvm.tencentcloudapi.com/", {}, b"{"))
        assert cloud.journal.count(ok=False) == 1 and list(cloud.journal)[0].params == {}
