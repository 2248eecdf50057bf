"""HPC clusters: Create/Describe/Modify/DeleteHpcClusters, a resource kind (``HPC_CLUSTER``) in a Store.

RunInstances with ``HpcClusterId`` checks the cluster (it must exist and be in the instance's zone) and the
instance type: the catalogue holds no HPC (RDMA) type, so such a launch answers
``InvalidParameterValue.InstanceTypeNotSupportHpcCluster``. Clusters therefore never hold instances in the fake,
and deleting one is always allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.dispatch import Context, action
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.errors import ApiError, InvalidParameterValue
from mockcvm.regions import ZONE_REGION
from mockcvm.services.cvm.keypairs import tags_of

CLUSTER_QUOTA = 5  # per zone
CLUSTER_CAPACITY = 200
CLUSTER_TYPES = ("CDCPAID", "CHCPAID", "RDMA")


@dataclass(eq=False, **SLOTS)
class HpcCluster:
    cluster_id: str
    uin: str
    region: str
    zone: str
    name: str
    remark: str
    created_time: float
    cluster_type: str = ""
    business_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)


HPC_CLUSTER: Kind[HpcCluster] = Kind(
    service="cvm", output="HpcClusterInfo", noun="HPC cluster", id_attr="cluster_id", id_prefix="hpc",
    codes=Codes(malformed="InvalidParameterValue", not_found="ResourceNotFound.HpcCluster", coexist=None,
                unknown_filter="InvalidFilter", paging="InvalidParameterValue.Range"),
    render={
        "HpcClusterId": lambda c: c.cluster_id, "Name": lambda c: c.name, "Remark": lambda c: c.remark,
        "CvmQuotaTotal": lambda c: CLUSTER_CAPACITY, "Zone": lambda c: c.zone, "CurrentNum": lambda c: 0,
        "CreateTime": lambda c: clock.iso(c.created_time), "InstanceIds": lambda c: [],
        "HpcClusterType": lambda c: c.cluster_type or None, "HpcClusterBusinessId": lambda c: c.business_id or None,
        "Tags": lambda c: [{"Key": k, "Value": v} for k, v in c.tags.items()],
    },
    filters={"zone": Filter(lambda c: c.zone), "name": Filter(lambda c: c.name),
             "hpc-cluster-type": Filter(lambda c: c.cluster_type),
             "hpc-cluster-business-id": Filter(lambda c: c.business_id)},
    tags=lambda c: c.tags,
)


def _store(ctx: Context) -> Store[HpcCluster]:
    return ctx.world.placements.hpc_clusters


def check_launch(store: Store[HpcCluster], uin: str, region: str, cluster_id: Optional[str], zone: str) -> None:
    """RunInstances' ``HpcClusterId``: the cluster exists in the zone; no catalogue type may join one."""
    if not cluster_id:
        return
    cluster = store.existing(uin, region, cluster_id)
    if cluster.zone != zone:
        raise ApiError(f"The HPC cluster {cluster_id} is in {cluster.zone}, not {zone}.",
                       code="InvalidParameterValue.HpcClusterIdZoneIdNotMatch")
    raise ApiError("No instance type of the catalogue runs in an HPC cluster (they need RDMA types).",
                   code="InvalidParameterValue.InstanceTypeNotSupportHpcCluster")


def _check_text(name: Optional[str], remark: Optional[str]) -> None:
    if name is not None and not 1 <= len(name) <= 60:
        raise InvalidParameterValue(f"`Name` must be 1 to 60 characters, got {len(name)}.")
    if remark is not None and len(remark) > 256:
        raise InvalidParameterValue(f"`Remark` must be at most 256 characters, got {len(remark)}.")


@action("cvm", "CreateHpcCluster")
def create_hpc_cluster(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    zone = params["Zone"]
    if ZONE_REGION.get(zone) != ctx.region:
        raise ApiError(f"The zone `{zone}` is not a zone of {ctx.region}.", code="InvalidZone.MismatchRegion")
    _check_text(params["Name"], params.get("Remark"))
    cluster_type = params.get("HpcClusterType", "")
    if cluster_type and cluster_type not in CLUSTER_TYPES:
        raise InvalidParameterValue(f"`HpcClusterType` {cluster_type!r} is not one of {', '.join(CLUSTER_TYPES)}.")
    store = _store(ctx)
    if sum(1 for c in store.in_region(ctx.account.uin, ctx.region) if c.zone == zone) >= CLUSTER_QUOTA:
        raise ApiError(f"The account already holds {CLUSTER_QUOTA} HPC clusters in {zone}.",
                       code="LimitExceeded.HpcClusterQuota")
    cluster = HpcCluster(cluster_id=ctx.world.ids.short("hpc"), uin=ctx.account.uin, region=ctx.region, zone=zone,
                         name=params["Name"], remark=params.get("Remark", ""), created_time=float(int(ctx.world.now)),
                         cluster_type=cluster_type, business_id=params.get("HpcClusterBusinessId", ""),
                         tags=tags_of(params, "hpc"))
    store.add(cluster)
    return {"HpcClusterSet": [HPC_CLUSTER.render(cluster)]}


@action("cvm", "DescribeHpcClusters")
def describe_hpc_clusters(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    _check_text(params.get("Name"), None)
    filters = list(params.get("Filters") or [])
    for member, name in (("Zone", "zone"), ("Name", "name"), ("HpcClusterType", "hpc-cluster-type"),
                         ("HpcClusterBusinessId", "hpc-cluster-business-id")):
        if params.get(member):
            filters.append({"Name": name, "Values": [params[member]]})
    total, page = _store(ctx).describe(ctx.account.uin, ctx.region, params.get("HpcClusterIds"), filters,
                                       params.get("Offset"), params.get("Limit"))
    return {"TotalCount": total, "HpcClusterSet": [HPC_CLUSTER.render(c) for c in page]}


@action("cvm", "ModifyHpcClusterAttribute")
def modify_hpc_cluster_attribute(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    cluster = _store(ctx).existing(ctx.account.uin, ctx.region, params["HpcClusterId"])
    _check_text(params.get("Name"), params.get("Remark"))
    if params.get("Name") is not None:
        cluster.name = params["Name"]
    if params.get("Remark") is not None:
        cluster.remark = params["Remark"]
    return {}


@action("cvm", "DeleteHpcClusters")
def delete_hpc_clusters(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    store = _store(ctx)
    for cluster in store.existing_all(ctx.account.uin, ctx.region, params["HpcClusterIds"]):
        store.remove(cluster)
    return {}
