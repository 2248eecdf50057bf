"""The demo: a short scripted session of the real SDK against the fake that prints what the client sees.

Each scene shows the few lines of SDK code it runs, then what the client sees as the clock moves. Scenes run in
order inside one frozen clock, each in a world of its own (so with ids of its own), and the output is the same on
every machine.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, TextIO, Union

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

    def code(self, text: str) -> None:
        """The SDK code a scene runs, as a user would write it."""
        for line in text.strip("\n").splitlines():
            self.out.write(f"   | {line}".rstrip() + "\n")
        self.out.write("\n")


#: What the demo imports besides mockcvm, and the extra that brings it.
NEEDS = (
    ("freezegun", "freezegun"),
    ("tencentcloud.common", "tencentcloud-sdk-python-common"),
    ("tencentcloud.cvm", "tencentcloud-sdk-python-cvm"),
    ("tencentcloud.billing", "tencentcloud-sdk-python-billing"),
    ("tencentcloud.sts", "tencentcloud-sdk-python-sts"),
)


def missing_packages() -> list[str]:
    """The packages the demo needs that are not installed."""
    import importlib

    missing = []
    for module, package in NEEDS:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    return missing


def _sdk() -> Any:
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
    p.code('''
me = sts_client.StsClient(cred, "ap-guangzhou").GetCallerIdentity(sts_models.GetCallerIdentityRequest())
cvm = cvm_client.CvmClient(cred, "ap-guangzhou")
regions = cvm.DescribeRegions(models.DescribeRegionsRequest())
zones = cvm.DescribeZones(models.DescribeZonesRequest())
balance = billing_client.BillingClient(cred, "").DescribeAccountBalance(DescribeAccountBalanceRequest())
cvm.TerminateInstances(models.TerminateInstancesRequest())  # no InstanceIds
''')
    me = sts_client.StsClient(cred, "ap-guangzhou").GetCallerIdentity(sts_models.GetCallerIdentityRequest())
    p.line(f"GetCallerIdentity -> AccountId={me.AccountId} Arn={me.Arn}")
    cvm = cvm_client.CvmClient(cred, "ap-guangzhou")
    regions = cvm.DescribeRegions(models.DescribeRegionsRequest())
    first = ", ".join(r.Region for r in regions.RegionSet[:4])
    p.line(f"DescribeRegions -> {regions.TotalCount} regions: {first}, ...")
    zones = cvm.DescribeZones(models.DescribeZonesRequest())
    p.line(f"DescribeZones(ap-guangzhou) -> {', '.join(z.Zone for z in zones.ZoneSet)}")
    balance = billing_client.BillingClient(cred, "").DescribeAccountBalance(
        billing_models.DescribeAccountBalanceRequest()
    )
    p.line(f"DescribeAccountBalance -> Balance={balance.Balance} (cents; cloud.set_balance() takes yuan)")
    try:
        cvm.TerminateInstances(models.TerminateInstancesRequest())
    except TencentCloudSDKException as error:
        p.line(f"TerminateInstances() with no ids -> {error.code}: {error.message}  (the SDK asks for zh-CN)")


class _Watch:
    """Prints what DescribeInstances shows for some instances at each instant, as the clock moves."""

    def __init__(self, p: Printer, stage: Stage, instance_ids: list[str]) -> None:
        from tencentcloud.cvm.v20170312 import cvm_client

        self.p = p
        self.stage = stage
        self.ids = instance_ids
        self.cvm = cvm_client.CvmClient(_sdk(), "ap-guangzhou")
        self.elapsed = 0.0

    def show(self, what: Union[str, Callable[[], str]] = "") -> None:
        from tencentcloud.cvm.v20170312 import models

        request = models.DescribeInstancesRequest()
        request.InstanceIds = self.ids
        shown = {i.InstanceId: i for i in self.cvm.DescribeInstances(request).InstanceSet}
        parts = []
        for instance_id in self.ids:
            found = shown.get(instance_id)
            if found is None:
                parts.append(f"{instance_id} (not listed)")
                continue
            extra = ""
            if found.IsolatedSource != "NOTISOLATED" or found.RestrictState != "NORMAL":
                extra = f" {found.RestrictState}/{found.IsolatedSource}"
            parts.append(f"{instance_id} {found.InstanceState}{extra}")
        label = _elapsed(self.elapsed)
        what = what() if callable(what) else what
        self.p.line(f"{label:>14}  {'; '.join(parts)}{'   <- ' + what if what else ''}")

    def tick(self, seconds: float, what: Union[str, Callable[[], str]] = "") -> None:
        self.stage.tick(seconds)
        self.elapsed += seconds
        self.show(what)


def _elapsed(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"t+{days}d {hours:02d}:{minutes:02d}:{secs:02d}" if days else f"t+{hours}:{minutes:02d}:{secs:02d}"


def _launch(charge_type: str = "POSTPAID_BY_HOUR", **extra: Any) -> str:
    import json

    from tencentcloud.cvm.v20170312 import cvm_client, models

    params: dict[str, Any] = {
        "InstanceChargeType": charge_type,
        "ImageId": "img-eb30mz89",
        "InstanceType": "S5.MEDIUM2",
        "Placement": {"Zone": "ap-guangzhou-3"},
    }
    if charge_type == "PREPAID":
        params["InstanceChargePrepaid"] = {"Period": 1, "RenewFlag": "NOTIFY_AND_MANUAL_RENEW"}
    params.update(extra)
    request = models.RunInstancesRequest()
    request.from_json_string(json.dumps(params))
    return str(cvm_client.CvmClient(_sdk(), "ap-guangzhou").RunInstances(request).InstanceIdSet[0])


def _terminate(instance_id: str) -> None:
    from tencentcloud.cvm.v20170312 import cvm_client, models

    request = models.TerminateInstancesRequest()
    request.InstanceIds = [instance_id]
    cvm_client.CvmClient(_sdk(), "ap-guangzhou").TerminateInstances(request)


LAUNCH = '''
request = models.RunInstancesRequest()
request.from_json_string(json.dumps({"ImageId": "img-eb30mz89", "InstanceType": "S5.MEDIUM2",
    "Placement": {"Zone": "ap-guangzhou-3"}}))
instance_id = client.RunInstances(request).InstanceIdSet[0]
'''
LAUNCH_PREPAID = '''
request = models.RunInstancesRequest()
request.from_json_string(json.dumps({"ImageId": "img-eb30mz89", "InstanceType": "S5.MEDIUM2",
    "Placement": {"Zone": "ap-guangzhou-3"}, "InstanceChargeType": "PREPAID",
    "InstanceChargePrepaid": {"Period": 1, "RenewFlag": "NOTIFY_AND_MANUAL_RENEW"}}))
instance_id = client.RunInstances(request).InstanceIdSet[0]
'''
TERMINATE = '''
request = models.TerminateInstancesRequest()
request.InstanceIds = [instance_id]
client.TerminateInstances(request)
'''


def scene_api_destroy(p: Printer, stage: Stage) -> None:
    p.title("TerminateInstances on a postpaid instance: released at once, no recycle bin")
    p.code(LAUNCH + TERMINATE)
    instance_id = _launch()
    watch = _Watch(p, stage, [instance_id])
    watch.tick(60, "launched a minute ago")
    _terminate(instance_id)
    watch.show("TerminateInstances")
    watch.tick(5, "released: simply absent, no error")


def scene_prepaid_recycle_bin(p: Printer, stage: Stage) -> None:
    p.title("TerminateInstances on a prepaid instance: 7 days in the recycle bin, then gone")
    p.code(LAUNCH_PREPAID + TERMINATE)
    instance_id = _launch("PREPAID")
    watch = _Watch(p, stage, [instance_id])
    watch.tick(60)
    _terminate(instance_id)
    watch.show("TerminateInstances (1st call)")
    watch.tick(7 * 86400 - 60, "a minute before the bin deadline")
    watch.tick(60, "the bin deadline")
    watch.tick(5)


def scene_console_release_after_2h(p: Printer, stage: Stage) -> None:
    p.title("Console destroy, 'release after 2 h' (postpaid): SHUTDOWN for 2 h, then gone")
    p.code(LAUNCH + 'cloud.console.destroy("ap-guangzhou", [instance_id], release="after_2h")\n')
    instance_id = _launch()
    watch = _Watch(p, stage, [instance_id])
    watch.tick(60)
    stage.cloud.console.destroy("ap-guangzhou", [instance_id], release="after_2h")
    watch.show("console: destroy, release after 2 h")
    watch.tick(2 * 3600 - 1)
    watch.tick(1, "2 h later")
    watch.tick(5)


def scene_scheduled_destroy(p: Printer, stage: Stage) -> None:
    import json

    from tencentcloud.cvm.v20170312 import cvm_client, models

    from mockcvm import clock

    p.title("Scheduled destroy (the console's 定时销毁): runs until its second, then released, never SHUTDOWN")
    p.code(LAUNCH + '''
request = models.ImportInstancesActionTimerRequest()
request.from_json_string(json.dumps({"InstanceIds": [instance_id],
    "ActionTimer": {"TimerAction": "TerminateInstances", "ActionTime": in_one_hour}}))
client.ImportInstancesActionTimer(request)
''')
    instance_id = _launch()
    cvm = cvm_client.CvmClient(_sdk(), "ap-guangzhou")
    request = models.ImportInstancesActionTimerRequest()
    at = clock.iso(stage.cloud.now() + 3600)
    timer = {"TimerAction": "TerminateInstances", "ActionTime": at}
    request.from_json_string(json.dumps({"InstanceIds": [instance_id], "ActionTimer": timer}))
    [timer_id] = cvm.ImportInstancesActionTimer(request).ActionTimerIds
    p.line(f"ImportInstancesActionTimer(ActionTime={at}) -> {timer_id}")
    watch = _Watch(p, stage, [instance_id])
    watch.show()
    watch.tick(3600 - 1, "one second before ActionTime")
    watch.tick(1, "ActionTime")
    watch.tick(5)
    timers = cvm.DescribeInstancesActionTimer(models.DescribeInstancesActionTimerRequest()).ActionTimers
    p.line(f"DescribeInstancesActionTimer -> {[(t.ActionTimerId[:8] + '...', t.Status) for t in timers]}")


def scene_arrears(p: Printer, stage: Stage) -> None:
    p.title("Arrears (欠费, in the console): runs 2 h, shut down, not binned, released 24 h later; prepaid unaffected")
    p.code(LAUNCH + '# ... and a prepaid one, as above\ncloud.set_balance("0.80")  # yuan\n')
    stage.tick(3600 - stage.cloud.now() % 3600)  # start on a full hour, when settlements happen
    postpaid, prepaid = _launch(), _launch("PREPAID")
    stage.cloud.set_balance("0.80")
    p.line(f"cloud.set_balance('0.80'); an instance-hour costs {stage.cloud.prices['instance_hour']} yuan, "
           "the system disk a little")
    watch = _Watch(p, stage, [postpaid, prepaid])
    watch.show()

    def balance() -> str:
        arrears = stage.cloud.world.billing.in_arrears(stage.cloud.default_account)
        return f"settlement: balance {stage.cloud.balance()} yuan" + (", in arrears" if arrears else "")

    watch.tick(3600, balance)
    watch.tick(3600, balance)
    watch.tick(2 * 3600 - 1)
    watch.tick(1, "2 h of arrears: shut down, not charged")
    watch.tick(24 * 3600 - 1)
    watch.tick(1, "24 h after the shutdown: released directly")
    watch.tick(5)
    rows = [row for row in stage.cloud.ledger() if row.resource_id == postpaid and row.reason == "instance"]
    p.line(f"ledger of {postpaid} (CPU/memory): {', '.join(str(row.amount) for row in rows)} yuan; "
           f"DescribeAccountBalance would say {int(stage.cloud.balance() * 100)} cents")


def scene_arrears_top_up(p: Printer, stage: Stage) -> None:
    p.title("Arrears, then a top-up 3 h in: the instance is saved (stays STOPPED until started)")
    p.code(LAUNCH + 'cloud.set_balance("-1")\n# ... 3 hours later\ncloud.top_up("100")\n')
    instance_id = _launch()
    watch = _Watch(p, stage, [instance_id])
    watch.tick(60)
    stage.cloud.set_balance("-1")
    watch.show("cloud.set_balance('-1'): arrears begin")
    watch.tick(2 * 3600, "shut down")
    watch.tick(3600, "3 h of arrears")
    stage.cloud.top_up("100")
    watch.show("cloud.top_up('100')")
    watch.tick(30 * 3600, "never released")


def scene_prepaid_expiry(p: Printer, stage: Stage) -> None:
    from mockcvm import clock

    p.title("Prepaid expiry: into the bin at ExpiredTime, released at 00:00 Beijing time of the 8th day")
    p.code(LAUNCH_PREPAID)
    instance_id = _launch("PREPAID")
    expired = stage.cloud.world.cvm.get(stage.cloud.default_account, "ap-guangzhou", instance_id).expired_time
    release = clock.next_beijing_midnight_after(expired, 8)
    p.line(f"RunInstances(PREPAID, Period=1) -> ExpiredTime {clock.iso(expired)}; "
           f"release at {clock.to_datetime(release).astimezone(clock.BEIJING):%Y-%m-%d %H:%M} Beijing")
    watch = _Watch(p, stage, [instance_id])
    watch.tick(expired - stage.cloud.now() - 1, "one second before ExpiredTime")
    watch.tick(1, "ExpiredTime")
    watch.tick(release - stage.cloud.now() - 1)
    watch.tick(1, "00:00 Beijing time, 8th day")
    watch.tick(5)


def scene_images_keys_and_refund(p: Printer, stage: Stage) -> None:
    import json

    from tencentcloud.cvm.v20170312 import cvm_client, models

    p.title("The catalogue, a key pair, and the refund of a prepaid instance returned within five days")
    p.code('''
def call(action, **params):  # any action, its parameters as in the API documentation
    request = getattr(models, action + "Request")()
    request.from_json_string(json.dumps(params))
    return getattr(client, action)(request)

image = call("DescribeImages", Filters=[{"Name": "platform", "Values": ["Ubuntu"]}]).ImageSet[0]
key = call("CreateKeyPair", KeyName="demo", ProjectId=0).KeyPair   # key.PrivateKey is a real RSA key
instance_id = call("RunInstances", ImageId=image.ImageId, InstanceChargeType="PREPAID", ...,
                   LoginSettings={"KeyIds": [key.KeyId]}).InstanceIdSet[0]
# ... 2 days later
call("InquiryPriceTerminateInstances", InstanceIds=[instance_id])  # what TerminateInstances will refund
''')
    client = cvm_client.CvmClient(_sdk(), "ap-guangzhou")

    def call(action: str, **params: Any) -> Any:
        request = getattr(models, action + "Request")()
        request.from_json_string(json.dumps(params))
        return getattr(client, action)(request)

    images = call("DescribeImages", Filters=[{"Name": "platform", "Values": ["Ubuntu"]}], InstanceType="S5.MEDIUM2")
    first = images.ImageSet[0]
    p.line(f"DescribeImages(platform=Ubuntu, InstanceType=S5.MEDIUM2) -> {images.TotalCount} images, "
           f"first {first.ImageId} {first.OsName} ({first.Architecture})")
    types = call("DescribeInstanceTypeConfigs", Filters=[{"Name": "zone", "Values": ["ap-guangzhou-3"]},
                                                         {"Name": "instance-family", "Values": ["S5"]}])
    p.line(f"DescribeInstanceTypeConfigs(ap-guangzhou-3, S5) -> {len(types.InstanceTypeConfigSet)} types, e.g. "
           + ", ".join(f"{t.InstanceType} {t.CPU}C{t.Memory}G" for t in types.InstanceTypeConfigSet[:3]))
    key = call("CreateKeyPair", KeyName="demo", ProjectId=0).KeyPair
    p.line(f"CreateKeyPair(demo) -> {key.KeyId}, private key {key.PrivateKey.splitlines()[0]} ...")
    price = call("InquiryPriceRunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId=first.ImageId,
                 InstanceType="S5.MEDIUM2", InstanceChargeType="PREPAID", InstanceChargePrepaid={"Period": 1})
    p.line(f"InquiryPriceRunInstances(PREPAID, 1 month) -> {price.Price.InstancePrice.DiscountPrice} yuan")
    instance_id = _launch("PREPAID", ImageId=first.ImageId, LoginSettings={"KeyIds": [key.KeyId]})
    shown = call("DescribeInstances", InstanceIds=[instance_id]).InstanceSet[0]
    p.line(f"RunInstances -> {instance_id} {shown.OsName}, KeyIds {shown.LoginSettings.KeyIds}; "
           f"balance {stage.cloud.balance()} yuan")
    stage.tick(2 * 86400)
    refund = call("InquiryPriceTerminateInstances", InstanceIds=[instance_id]).InstanceRefundsSet[0]
    p.line(f"two days later, InquiryPriceTerminateInstances -> Refunds {refund.Refunds} yuan")
    _terminate(instance_id)
    rows = [r for r in stage.cloud.ledger() if r.resource_id == instance_id]
    p.line(f"TerminateInstances -> ledger of {instance_id}: "
           + ", ".join(f"{r.amount} ({r.reason})" for r in rows) + f"; balance {stage.cloud.balance()} yuan")


SCENES: list[Scene] = [
    scene_foundation,
    scene_api_destroy,
    scene_prepaid_recycle_bin,
    scene_console_release_after_2h,
    scene_scheduled_destroy,
    scene_prepaid_expiry,
    scene_arrears,
    scene_arrears_top_up,
    scene_images_keys_and_refund,
]


def run(out: TextIO) -> int:
    """Print every scene to ``out``; 0 when done. A missing package is one line on stderr and exit status 1; a
    reader who closes the pipe early (``mockcvm demo | head``) ends the demo quietly."""
    missing = missing_packages()
    if missing:
        sys.stderr.write(
            f"mockcvm demo needs {', '.join(missing)}: pip install 'mockcvm[demo]'\n"
        )
        return 1
    from freezegun import freeze_time

    printer = Printer(out)
    try:
        with freeze_time("2026-01-05 04:00:00") as frozen:
            for number, scene in enumerate(SCENES, start=1):
                with mock_cvm(seed=number) as cloud:  # a world, and ids, of its own
                    scene(printer, Stage(cloud, frozen))
        out.write("\n")
        out.flush()
    except BrokenPipeError:
        _quiet_stdout(out)
    return 0


def _quiet_stdout(out: TextIO) -> None:
    """The reader closed the pipe: send what is left to /dev/null, so the interpreter's last flush is silent."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a StringIO): nothing to flush later
        pass
