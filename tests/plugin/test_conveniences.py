"""What a failing test shows: journal assertions, injected faults, strict mode, and the world in the report."""

from __future__ import annotations

import pytest

from tests.plugin import RUN_ARGS

pytest_plugins = ["pytester"]


def test_journal_faults_strict_and_the_world_dump(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.cvm.v20170312 import models


        def describe_regions_with_retry(client, attempts=5):
            for attempt in range(attempts):
                try:
                    return client.DescribeRegions(models.DescribeRegionsRequest())
                except TencentCloudSDKException as err:
                    if err.get_code() != "RequestLimitExceeded" or attempt == attempts - 1:
                        raise


        def test_retry_survives_throttling(cvm, cvm_client):
            cvm.inject("DescribeRegions", "RequestLimitExceeded", times=2)
            assert describe_regions_with_retry(cvm_client).RegionSet
            cvm.assert_called("DescribeRegions", times=3)
            cvm.assert_called("DescribeRegions", times=2, ok=False)
            assert [c.error for c in cvm.calls("DescribeRegions")] == [
                "RequestLimitExceeded", "RequestLimitExceeded", None]


        def test_injected_error_reaches_the_sdk(cvm, cvm_client):
            cvm.inject("DescribeZones", "InternalError", "try later")
            with pytest.raises(TencentCloudSDKException) as caught:
                cvm_client.DescribeZones(models.DescribeZonesRequest())
            assert (caught.value.get_code(), caught.value.get_message()) == ("InternalError", "try later")
            cvm_client.DescribeZones(models.DescribeZonesRequest())  # times=1: the next call succeeds


        @pytest.mark.parametrize("run", ["first", "again"])
        @pytest.mark.mockcvm(seed=42)
        def test_probabilistic_faults_are_seeded(run, cvm, cvm_client):
            cvm.inject("DescribeRegions", "RequestLimitExceeded", probability=0.5)
            outcomes = []
            for _ in range(20):
                try:
                    cvm_client.DescribeRegions(models.DescribeRegionsRequest())
                    outcomes.append("ok")
                except TencentCloudSDKException:
                    outcomes.append("throttled")
            print("OUTCOMES", "".join(o[0] for o in outcomes))
            assert 0 < outcomes.count("throttled") < 20


        def test_assert_called_lists_the_calls_made(cvm, cvm_client):
            cvm_client.DescribeRegions(models.DescribeRegionsRequest())
            cvm_client.DescribeZones(models.DescribeZonesRequest())
            cvm.assert_called("RunInstances")


        @pytest.mark.mockcvm(strict=True)
        def test_strict_mode(cvm, cvm_client):
            with pytest.raises(TencentCloudSDKException):
                cvm_client.DescribeChcHosts(models.DescribeChcHostsRequest())
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS, "-s")
    result.assert_outcomes(passed=5, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_strict_mode _*",
            "mock_cvm(strict=True): the code under test called actions mockcvm does not implement: "
            "cvm:DescribeChcHosts",
            "(mockcvm strict mode is on for cvm: those calls were answered with UnsupportedOperation. "
            "Turn it off with @pytest.mark.mockcvm(strict=False).)",
            "*_ test_assert_called_lists_the_calls_made _*",
            "E   *AssertionError: expected RunInstances to be called at least once; it was called 0 time(s) "
            "meeting every condition.",
            "E   *Checked: action='RunInstances'.",
            "E   *Calls made (-> marks a call that met every condition):",
            "E   *  cvm:DescribeRegions region=ap-guangzhou -> ok  [[]met: -; not met: action]",
            "E   *  cvm:DescribeZones region=ap-guangzhou -> ok  [[]met: -; not met: action]",
            "*- mockcvm world (cvm) -*",
            "world time: ????-??-??T??:??:??Z",
            "accounts:",
            "  100000000001: balance 1000000 yuan",
            "instances: none",
            "calls (2):",
            "  ????-??-??T??:??:??Z  cvm:DescribeRegions  ap-guangzhou  -> ok",
            "  ????-??-??T??:??:??Z  cvm:DescribeZones  ap-guangzhou  -> ok",
        ]
    )
    # the same seed gives the same run of faults in a fresh world
    runs = [line.split("OUTCOMES ")[1][:20] for line in result.outlines if "OUTCOMES " in line]
    assert len(runs) == 2 and runs[0] == runs[1], runs
