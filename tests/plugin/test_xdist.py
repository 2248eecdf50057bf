"""pytest-xdist: every worker has a world of its own."""

from __future__ import annotations

import pytest

from tests.plugin import RUN_ARGS

pytest_plugins = ["pytester"]


def test_each_xdist_worker_has_its_own_world(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import os

        import pytest
        from tencentcloud.cvm.v20170312 import models

        calls_in_this_worker = []


        @pytest.mark.parametrize("n", range(8))
        def test_session_world_is_per_worker(n, cvm_session, tmp_path_factory):
            from tencentcloud.common import credential
            from tencentcloud.cvm.v20170312 import cvm_client

            client = cvm_client.CvmClient(credential.Credential("id", "key"), "ap-guangzhou")
            client.DescribeRegions(models.DescribeRegionsRequest())
            calls_in_this_worker.append(n)
            # only this worker's calls are in this worker's world
            assert len(cvm_session.journal) == len(calls_in_this_worker)
            worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
            out = tmp_path_factory.getbasetemp().parent / f"{worker}-{n}"
            out.write_text(str(id(cvm_session.world)))


        @pytest.mark.parametrize("n", range(4))
        def test_function_world_is_fresh(n, cvm, cvm_client):
            cvm_client.DescribeZones(models.DescribeZonesRequest())
            assert len(cvm.journal) == 1
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS, "-n", "2", "--dist", "load")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["created: 2/2 workers"])
    marks = list(pytester.path.glob("**/gw*-*"))
    assert {m.name.split("-")[0] for m in marks} == {"gw0", "gw1"}, marks
