"""Key pairs through the real SDK: create (a parseable key), import (checked), describe, modify, delete (refused
while bound), bind at launch and with Associate/Disassociate (the ForceStop rules)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from mockcvm import Cloud, mock_cvm
from tests import sdk
from tests.cvm.helpers import call_refused, describe, launch, settled, snapshot

#: A real OpenSSH ed25519 public key (made once with cryptography; no private key is kept).
ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJWdb0/XtUrTVHK/sLQK8l0CK7CaZR+VpJZcvbS0YaOI test@mockcvm"


@pytest.fixture
def cvm(cloud: Cloud) -> Any:
    return sdk.client("cvm")


def _create(cvm: Any, name: str = "deploy", **params: Any) -> Any:
    return sdk.call(cvm, "CreateKeyPair", KeyName=name, ProjectId=0, **params).KeyPair


def test_create_key_pair_returns_a_private_key_that_matches_the_public_key(cvm: Any) -> None:
    key_pair = _create(cvm)
    private = serialization.load_pem_private_key(key_pair.PrivateKey.encode(), password=None)
    public = private.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    assert key_pair.PublicKey.startswith(public.decode() + " ")
    assert key_pair.KeyId.startswith("skey-") and key_pair.KeyName == "deploy"
    (listed,) = sdk.call(cvm, "DescribeKeyPairs", KeyIds=[key_pair.KeyId]).KeyPairSet
    assert listed.PrivateKey is None and listed.PublicKey == key_pair.PublicKey  # Tencent keeps no private key


def test_import_key_pair_checks_the_public_key(cloud: Cloud, cvm: Any) -> None:
    key_id = sdk.call(cvm, "ImportKeyPair", KeyName="laptop", ProjectId=0, PublicKey=ED25519).KeyId
    assert sdk.call(cvm, "DescribeKeyPairs", KeyIds=[key_id]).KeyPairSet[0].PublicKey == ED25519
    before = len(cloud.world.keypairs.key_pairs)
    for bad in ("not a key", "ssh-rsa AAAA", "ssh-rsa " + ED25519.split()[1]):
        error = call_refused(cvm, "ImportKeyPair", KeyName="other", ProjectId=0, PublicKey=bad)
        assert error.code == "InvalidPublicKey.Malformed"
    assert call_refused(cvm, "ImportKeyPair", KeyName="again", ProjectId=0,
                        PublicKey=ED25519).code == "InvalidPublicKey.Duplicate"
    assert len(cloud.world.keypairs.key_pairs) == before


@pytest.mark.parametrize(
    ("name", "code"),
    [("", "InvalidKeyPairNameEmpty"), ("x" * 26, "InvalidKeyPairNameTooLong"),
     ("has space", "InvalidKeyPairNameIncludeIllegalChar")],
)
def test_key_names_follow_the_rules(cvm: Any, name: str, code: str) -> None:
    assert call_refused(cvm, "CreateKeyPair", KeyName=name, ProjectId=0).code == code


def test_names_are_unique_and_modify_changes_name_and_description(cvm: Any) -> None:
    first, second = _create(cvm, "a"), _create(cvm, "b")
    assert call_refused(cvm, "CreateKeyPair", KeyName="a", ProjectId=0).code == "InvalidKeyPairName.Duplicate"
    assert call_refused(cvm, "ModifyKeyPairAttribute", KeyId=second.KeyId,
                        KeyName="a").code == "InvalidKeyPairName.Duplicate"
    sdk.call(cvm, "ModifyKeyPairAttribute", KeyId=first.KeyId, KeyName="renamed", Description="ops team")
    (shown,) = sdk.call(cvm, "DescribeKeyPairs", Filters=[{"Name": "key-name", "Values": ["renamed"]}]).KeyPairSet
    assert (shown.KeyId, shown.Description) == (first.KeyId, "ops team")


def test_describe_key_pairs_filters_pages_and_ids(cvm: Any) -> None:
    made = [_create(cvm, f"k{n}", TagSpecification=[{"ResourceType": "keypair", "Tags": [
        {"Key": "team", "Value": "blue" if n % 2 else "red"}]}]).KeyId for n in range(3)]
    page = sdk.call(cvm, "DescribeKeyPairs", Offset=1, Limit=1)
    assert page.TotalCount == 3 and [k.KeyId for k in page.KeyPairSet] == made[1:2]
    blue = sdk.call(cvm, "DescribeKeyPairs", Filters=[{"Name": "tag:team", "Values": ["blue"]}]).KeyPairSet
    assert [k.KeyId for k in blue] == [made[1]]
    assert call_refused(cvm, "DescribeKeyPairs", KeyIds=["key-1"]).code == "InvalidKeyPairId.Malformed"
    assert call_refused(cvm, "DescribeKeyPairs", Filters=[{"Name": "colour", "Values": ["x"]}]).code == "InvalidFilter"


def test_a_key_given_at_launch_is_shown_and_blocks_deleting_the_key(cloud: Cloud, cvm: Any) -> None:
    key_id = _create(cvm).KeyId
    (instance_id,) = launch(cvm, LoginSettings={"KeyIds": [key_id]})
    assert describe(cvm, [instance_id])[0].LoginSettings.KeyIds == [key_id]
    assert sdk.call(cvm, "DescribeKeyPairs", KeyIds=[key_id]).KeyPairSet[0].AssociatedInstanceIds == [instance_id]
    before = snapshot(cloud)
    assert call_refused(cvm, "DeleteKeyPairs", KeyIds=[key_id]).code == "ResourceInUse"
    assert snapshot(cloud) == before and key_id in cloud.world.keypairs.key_pairs
    sdk.call(cvm, "TerminateInstances", InstanceIds=[instance_id])
    settled(cvm, [instance_id])
    sdk.call(cvm, "DeleteKeyPairs", KeyIds=[key_id])
    assert sdk.call(cvm, "DescribeKeyPairs").TotalCount == 0


def test_launch_refuses_an_unknown_key(cvm: Any) -> None:
    assert call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId="img-eb30mz89",
                        LoginSettings={"KeyIds": ["skey-zzzzzzzz"]}).code == "InvalidKeyPairId.NotFound"


@pytest.mark.cloud_options(transitions="immediate")
def test_associate_needs_a_stopped_instance_or_force_stop(cloud: Cloud, cvm: Any) -> None:
    key_id = _create(cvm).KeyId
    (instance_id,) = launch(cvm)
    before = snapshot(cloud)
    error = call_refused(cvm, "AssociateInstancesKeyPairs", InstanceIds=[instance_id], KeyIds=[key_id])
    assert error.code == "UnsupportedOperation.InstanceStateRunning" and snapshot(cloud) == before
    sdk.call(cvm, "AssociateInstancesKeyPairs", InstanceIds=[instance_id], KeyIds=[key_id], ForceStop=True)
    (shown,) = describe(cvm, [instance_id])
    assert (shown.InstanceState, shown.LoginSettings.KeyIds, shown.LatestOperation, shown.LatestOperationState) == (
        "RUNNING", [key_id], "AssociateInstancesKeyPairs", "SUCCESS")
    sdk.call(cvm, "StopInstances", InstanceIds=[instance_id])
    sdk.call(cvm, "DisassociateInstancesKeyPairs", InstanceIds=[instance_id], KeyIds=[key_id])
    (shown,) = describe(cvm, [instance_id])
    assert shown.InstanceState == "STOPPED" and shown.LoginSettings.KeyIds is None


@pytest.mark.cloud_options(transitions="manual")
def test_force_stop_shows_the_instance_in_flight(cloud: Cloud, cvm: Any) -> None:
    key_id = _create(cvm).KeyId
    (instance_id,) = launch(cvm)
    cloud.settle()
    sdk.call(cvm, "AssociateInstancesKeyPairs", InstanceIds=[instance_id], KeyIds=[key_id], ForceStop=True)
    assert describe(cvm, [instance_id])[0].LatestOperationState == "OPERATING"
    assert describe(cvm, [instance_id])[0].InstanceState == "REBOOTING"
    cloud.settle()
    assert describe(cvm, [instance_id])[0].InstanceState == "RUNNING"


def test_windows_instances_take_no_key(cvm: Any) -> None:
    key_id = _create(cvm).KeyId
    error = call_refused(cvm, "RunInstances", Placement={"Zone": "ap-guangzhou-3"}, ImageId="img-pi0aa46r",
                         LoginSettings={"KeyIds": [key_id]})
    assert error.code == "UnsupportedOperation.KeyPairUnsupportedWindows"


def test_key_pairs_async() -> None:
    async def main() -> Any:
        client = sdk.client("cvm", asynchronous=True)
        await sdk.call(client, "ImportKeyPair", KeyName="laptop", ProjectId=0, PublicKey=ED25519)
        return await sdk.call(client, "DescribeKeyPairs")

    with mock_cvm():
        assert [k.KeyName for k in asyncio.run(main()).KeyPairSet] == ["laptop"]
