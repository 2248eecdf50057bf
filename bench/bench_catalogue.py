"""The catalogue reads against the transport floor, and RunInstances with a launch template against without."""

from __future__ import annotations

from bench.harness import Row, compare_sync, median_time
from bench.sdk import client, request


def rows(quick: bool) -> list[Row]:
    from mockcvm import mock_cvm

    out: list[Row] = []
    repeat, number = (7, 20) if quick else (15, 40)
    with mock_cvm(transitions="immediate") as cloud:
        cvm = client("cvm")
        images = request("cvm", "DescribeImages", Limit=100)
        result = compare_sync(cloud, lambda _: cvm.DescribeImages(images), repeat=repeat, number=number)
        out.append(Row("11", "DescribeImages, every public image", result.ratio, "x", 1.2, result.detail()))
        types = request("cvm", "DescribeInstanceTypeConfigs")
        result = compare_sync(cloud, lambda _: cvm.DescribeInstanceTypeConfigs(types), repeat=repeat, number=number)
        out.append(Row("11", "DescribeInstanceTypeConfigs, a region", result.ratio, "x", 1.2, result.detail()))

        launch = {"Placement": {"Zone": "ap-guangzhou-3"}, "ImageId": "img-eb30mz89", "InstanceType": "S5.MEDIUM2",
                  "InstanceCount": 10}
        template_id = cvm.CreateLaunchTemplate(request("cvm", "CreateLaunchTemplate", LaunchTemplateName="bench",
                                                       **launch)).LaunchTemplateId
        plain = request("cvm", "RunInstances", **launch)
        templated = request("cvm", "RunInstances", LaunchTemplate={"LaunchTemplateId": template_id})
        without = median_time(lambda: cvm.RunInstances(plain), repeat=repeat, number=max(2, number // 4))
        with_template = median_time(lambda: cvm.RunInstances(templated), repeat=repeat, number=max(2, number // 4))
        out.append(Row("11", "RunInstances x10 from a launch template / without", with_template / without, "x", 1.1,
                       f"{with_template * 1e3:.2f} ms / {without * 1e3:.2f} ms"))
    return out
