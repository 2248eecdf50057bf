"""The demo: a short scripted session of the real SDK against the fake that prints what the client sees.

Each scene is a function taking the printer; scenes run in order inside one frozen clock so the output is the
same on every machine.
"""

from __future__ import annotations

from typing import Any, Callable, TextIO

from mockcvm import mock_cvm

Scene = Callable[["Printer", "Stage"], None]


class Stage:
    """What a scene may use besides the SDK: the fake cloud and the frozen clock (``tick(seconds)``)."""

    def __init__(self, cloud: Any, frozen: Any) -> None:
        self.cloud = cloud
        self._frozen = frozen

    def tick(self, seconds: float) -> None:
        from datetime import timedelta

        self._frozen.tick(timedelta(seconds=seconds))


class Printer:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def title(self, text: str) -> None:
        self.out.write(f"\n== {text}\n")

    def line(self, text: str) -> None:
        self.out.write(f"   {text}\n")


def _sdk() -> Any:
    try:
        from tencentcloud.common import credential  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the install
        raise SystemExit(
            "The demo drives the real tencentcloud SDK; install it with: pip install 'mockcvm[sdk]'"
        ) from None
    from tencentcloud.common import credential

    return credential.Credential("AKIDdemo", "demo-secret")


def scene_foundation(p: Printer, stage: Stage) -> None:
    from tencentcloud.billing.v20180709 import billing_client
    from tencentcloud.billing.v20180709 import models as billing_models
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.cvm.v20170312 import cvm_client, models
    from tencentcloud.sts.v20180813 import models as sts_models
    from tencentcloud.sts.v20180813 import sts_client

    cred = _sdk()
    p.title("Who am I, and where can I run? (STS, CVM, Billing)")
    me = sts_client.StsClient(cred, "ap-guangzhou").GetCallerIdentity(sts_models.GetCallerIdentityRequest())
    p.line(f"GetCallerIdentity -> AccountId={me.AccountId} Arn={me.Arn}")
    cvm = cvm_client.CvmClient(cred, "ap-guangzhou")
    regions = cvm.DescribeRegions(models.DescribeRegionsRequest())
    p.line(f"DescribeRegions -> {regions.TotalCount} regions: {', '.join(r.Region for r in regions.RegionSet[:4])}, ...")
    zones = cvm.DescribeZones(models.DescribeZonesRequest())
    p.line(f"DescribeZones(ap-guangzhou) -> {', '.join(z.Zone for z in zones.ZoneSet)}")
    balance = billing_client.BillingClient(cred, "").DescribeAccountBalance(
        billing_models.DescribeAccountBalanceRequest()
    )
    p.line(f"DescribeAccountBalance -> Balance={balance.Balance} (cents)")
    try:
        cvm.TerminateInstances(models.TerminateInstancesRequest())
    except TencentCloudSDKException as error:
        p.line(f"TerminateInstances() with no ids -> {error.code}: {error.message}")


SCENES: list[Scene] = [scene_foundation]


def run(out: TextIO) -> int:
    from freezegun import freeze_time

    printer = Printer(out)
    with freeze_time("2026-01-05 04:00:00") as frozen:
        for scene in SCENES:
            with mock_cvm(seed=7) as cloud:
                scene(printer, Stage(cloud, frozen))
    out.write("\n")
    return 0
