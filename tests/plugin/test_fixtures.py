"""The fixtures as a user meets them: cvm, cvm_client, cvm_async_client, cvm_module, cvm_session."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.plugin import RUN_ARGS

pytest_plugins = ["pytester"]


def test_fixtures_give_a_fresh_cloud_and_sdk_clients(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import asyncio

        from tencentcloud.cvm.v20170312 import models

        from pytest_mockcvm import Cloud


        def test_cvm_is_an_active_empty_cloud(cvm: Cloud):
            assert isinstance(cvm, Cloud)
            assert len(cvm.journal) == 0


        def test_cvm_client_talks_to_the_fake_in_ap_guangzhou(cvm, cvm_client):
            cvm_client.DescribeRegions(models.DescribeRegionsRequest())
            cvm.assert_called("DescribeRegions", times=1, region="ap-guangzhou")


        def test_each_test_gets_a_new_world(cvm):
            assert len(cvm.journal) == 0


        def test_async_client(cvm, cvm_async_client):
            async def main():
                return await cvm_async_client.DescribeZones(models.DescribeZonesRequest())

            zones = asyncio.run(main())
            assert zones.TotalCount > 0
            cvm.assert_called("DescribeZones", times=1)
        """
    )
    pytester.makepyfile(
        test_region="""
        import pytest
        from tencentcloud.cvm.v20170312 import models

        pytestmark = pytest.mark.mockcvm(region="ap-shanghai")


        def test_client_region_is_the_cloud_region(cvm, cvm_client):
            assert cvm_client.region == "ap-shanghai"
            cvm_client.DescribeZones(models.DescribeZonesRequest())
            cvm.assert_called("DescribeZones", region="ap-shanghai")


        @pytest.mark.mockcvm(verify_signatures=True)
        def test_client_credentials_pass_signature_checks(cvm, cvm_client):
            cvm_client.DescribeZones(models.DescribeZonesRequest())
            cvm.assert_called("DescribeZones", ok=True)
        """
    )
    pytester.makepyfile(
        test_shared="""
        import pytest
        from tencentcloud.common import credential
        from tencentcloud.cvm.v20170312 import cvm_client, models

        pytestmark = pytest.mark.mockcvm(region="ap-beijing")


        def call():
            client = cvm_client.CvmClient(credential.Credential("id", "key"), "ap-beijing")
            client.DescribeRegions(models.DescribeRegionsRequest())


        def test_module_cloud_first(cvm_module):
            assert cvm_module.options.region == "ap-beijing"
            call()
            assert len(cvm_module.journal) == 1


        def test_module_cloud_keeps_state(cvm_module):
            call()
            assert len(cvm_module.journal) == 2


        def test_session_cloud_first(cvm_session):
            assert cvm_session.options.region == "ap-guangzhou"  # session: ini options only


        def test_session_cloud_is_shared(cvm_session):
            assert len(cvm_session.journal) == 0
        """
    )
    pytester.makepyfile(
        test_shared_2="""
        def test_another_module_gets_another_module_cloud(cvm_module):
            assert len(cvm_module.journal) == 0
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS, "-v")
    result.assert_outcomes(passed=11)


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    probe = (
        "import sys, pytest, pytest_mockcvm.plugin, pytest_mockcvm\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('mockcvm', 'tencentcloud', 'freezegun', 'time_machine', 'httpx', 'responses', 'requests'))\n"
        "print(heavy)\n"
        "from pytest_mockcvm import Cloud, CvmClock\n"
        "print(Cloud.__module__, CvmClock.__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "mockcvm.cloud mockcvm.testing_clock"]
