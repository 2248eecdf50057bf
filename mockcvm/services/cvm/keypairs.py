"""SSH key pairs: CreateKeyPair (a real RSA key pair, made with ``cryptography``), ImportKeyPair (the OpenSSH public
key is checked), DescribeKeyPairs, DeleteKeyPairs (refused while bound), ModifyKeyPairAttribute, and the binding to
instances (AssociateInstancesKeyPairs / DisassociateInstancesKeyPairs, ``LoginSettings.KeyIds`` at launch).

Key pairs are a resource kind (``KEY_PAIR``) in a :class:`Store`; an instance lists the ids bound to it in
``Instance.key_ids`` and a key pair the instances it is bound to.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from mockcvm import clock
from mockcvm.compat import SLOTS
from mockcvm.engine.resources import Codes, Filter, Kind, Store
from mockcvm.errors import ApiError, MissingParameter, NotImplementedByMockcvm

if TYPE_CHECKING:
    from mockcvm.world import World

KEY_NAME = re.compile(r"[A-Za-z0-9_]+\Z")
MAX_NAME = 25
MAX_DESCRIPTION = 60
#: Key pairs per account and region (the documented default quota).
KEY_PAIR_QUOTA = 500
PUBLIC_KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                    "ssh-dss")


@dataclass(eq=False, **SLOTS)
class KeyPair:
    key_id: str
    uin: str
    region: str
    name: str
    public_key: str
    project_id: int
    created_time: float
    description: str = ""
    instance_ids: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    released: bool = False  # deleted (the Tag service keeps it retired)


KEY_PAIR: Kind[KeyPair] = Kind(
    service="cvm",
    output="KeyPair",
    noun="key pair",
    id_attr="key_id",
    id_prefix="skey",
    codes=Codes(malformed="InvalidKeyPairId.Malformed", not_found="InvalidKeyPairId.NotFound",
                coexist="InvalidParameter.Coexist", unknown_filter="InvalidFilter",
                paging="InvalidParameterValue.Range"),
    render={
        "KeyId": lambda k: k.key_id,
        "KeyName": lambda k: k.name,
        "ProjectId": lambda k: k.project_id,
        "Description": lambda k: k.description,
        "PublicKey": lambda k: k.public_key,
        "AssociatedInstanceIds": lambda k: list(k.instance_ids),
        "CreatedTime": lambda k: clock.iso(k.created_time),
        "Tags": lambda k: [{"Key": n, "Value": v} for n, v in k.tags.items()],
    },
    filters={
        "project-id": Filter(lambda k: str(k.project_id)),
        "key-name": Filter(lambda k: k.name),
    },
    tags=lambda k: k.tags,
)


def check_name(name: Optional[str]) -> str:
    if not name:
        raise ApiError("`KeyName` must not be empty.", code="InvalidKeyPairNameEmpty")
    if len(name) > MAX_NAME:
        raise ApiError(f"`KeyName` is {len(name)} characters; at most {MAX_NAME} are allowed.",
                       code="InvalidKeyPairNameTooLong")
    if not KEY_NAME.match(name):
        raise ApiError(f"`KeyName` {name!r} may hold only letters, digits and underscores.",
                       code="InvalidKeyPairNameIncludeIllegalChar")
    return name


def check_public_key(text: str) -> str:
    """An OpenSSH public key line (``type base64 [comment]``) whose blob names the same type; the line, trimmed."""
    parts = text.strip().split()
    malformed = ApiError("`PublicKey` is not an OpenSSH public key (such as `ssh-rsa AAAAB3Nza... comment`).",
                         code="InvalidPublicKey.Malformed")
    if len(parts) < 2 or parts[0] not in PUBLIC_KEY_TYPES:
        raise malformed
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise malformed from None
    if len(blob) < 4:
        raise malformed
    (length,) = struct.unpack(">I", blob[:4])
    if blob[4:4 + length] != parts[0].encode("ascii") or len(blob) <= 4 + length + 4:
        raise malformed
    return " ".join(parts)


def new_key_pair_text(comment: str) -> tuple[str, str]:
    """(OpenSSH public key, PEM private key) of a fresh 2048-bit RSA key pair."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:  # pragma: no cover - the test extra installs it
        raise NotImplementedByMockcvm(
            "CreateKeyPair makes a real key pair with the `cryptography` package, which is not installed; "
            "install it (pip install 'mockcvm[keys]') or use ImportKeyPair."
        ) from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode("ascii")
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode("ascii")
    return f"{public} {comment}", private


class KeyPairBackend:
    """The key pairs of one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.key_pairs: Store[KeyPair] = Store(KEY_PAIR)

    def create(self, uin: str, region: str, params: dict[str, Any], private: bool) -> tuple[KeyPair, str]:
        """CreateKeyPair (``private``: make the key pair) or ImportKeyPair; returns it and the private key."""
        name = check_name(params.get("KeyName"))
        project_id = int(params["ProjectId"])
        if project_id < 0:
            raise ApiError(f"`ProjectId` {project_id} does not exist.", code="InvalidProjectId.NotFound")
        public_key = "" if private else check_public_key(params["PublicKey"])
        existing = list(self.key_pairs.in_region(uin, region))
        if any(k.name == name for k in existing):
            raise ApiError(f"A key pair named {name!r} already exists in {region}.",
                           code="InvalidKeyPairName.Duplicate")
        if public_key and any(k.public_key.split()[:2] == public_key.split()[:2] for k in existing):
            raise ApiError("This public key is already imported as another key pair.",
                           code="InvalidPublicKey.Duplicate")
        if len(existing) >= KEY_PAIR_QUOTA:
            raise ApiError(f"The account already holds {KEY_PAIR_QUOTA} key pairs in {region}, the quota.",
                           code="InvalidKeyPair.LimitExceeded")
        tags = tags_of(params, "keypair")
        private_key = ""
        if private:
            public_key, private_key = new_key_pair_text(name)
        key_id = self.world.ids.short("skey")
        while key_id in self.key_pairs:  # pragma: no cover - 36**8 ids
            key_id = self.world.ids.short("skey")
        key_pair = KeyPair(key_id=key_id, uin=uin, region=region, name=name, public_key=public_key,
                           project_id=project_id, created_time=float(int(self.world.now)), tags=tags)
        self.key_pairs.add(key_pair)
        self.world.tag.track("keypair", key_id, key_pair)
        return key_pair, private_key

    def delete(self, uin: str, region: str, key_ids: list[str]) -> None:
        if not key_ids:
            raise MissingParameter("DeleteKeyPairs needs `KeyIds`.")
        found = self.key_pairs.existing_all(uin, region, key_ids)
        for key_pair in found:
            if key_pair.instance_ids:
                raise ApiError(
                    f"The key pair `{key_pair.key_id}` is bound to {', '.join(key_pair.instance_ids)}; unbind it "
                    "with DisassociateInstancesKeyPairs first.",
                    code="ResourceInUse",
                )
        for key_pair in found:
            key_pair.released = True
            self.key_pairs.remove(key_pair)
            self.world.tag.untrack(uin, "keypair", key_pair.key_id)

    def modify(self, uin: str, region: str, params: dict[str, Any]) -> None:
        key_pair = self.key_pairs.existing(uin, region, params["KeyId"])
        name, description = params.get("KeyName"), params.get("Description")
        if name is None and description is None:
            raise MissingParameter("ModifyKeyPairAttribute needs `KeyName` or `Description`.")
        if name is not None:
            check_name(name)
            if any(k.name == name and k is not key_pair for k in self.key_pairs.in_region(uin, region)):
                raise ApiError(f"A key pair named {name!r} already exists in {region}.",
                               code="InvalidKeyPairName.Duplicate")
        if description is not None and len(description) > MAX_DESCRIPTION:
            raise ApiError(f"`Description` is {len(description)} characters; at most {MAX_DESCRIPTION} are allowed.",
                           code="InvalidParameterValue.TooLong")
        if name is not None:
            key_pair.name = name
        if description is not None:
            key_pair.description = description

    def bound_ids(self, uin: str, region: str, key_ids: list[str]) -> list[KeyPair]:
        """The key pairs of ``LoginSettings.KeyIds`` / ``KeyIds`` (each must exist)."""
        if len(key_ids) > 1:
            raise ApiError("An instance takes one key pair; pass one id in `KeyIds`.",
                           code="InvalidParameterValue.LimitExceeded")
        return self.key_pairs.existing_all(uin, region, key_ids)

    def bind(self, instance_id: str, key_pairs: list[KeyPair]) -> None:
        for key_pair in key_pairs:
            if instance_id not in key_pair.instance_ids:
                key_pair.instance_ids.append(instance_id)

    def unbind(self, uin: str, region: str, instance_id: str, key_ids: list[str]) -> None:
        for key_id in key_ids:
            key_pair = self.key_pairs.get(uin, region, key_id)
            if key_pair is not None and instance_id in key_pair.instance_ids:
                key_pair.instance_ids.remove(instance_id)


def tags_of(params: dict[str, Any], resource_type: str) -> dict[str, str]:
    """The tags ``TagSpecification`` gives resources of ``resource_type``, checked with CVM's own codes (every
    CVM action that takes ``TagSpecification`` documents these, not the Tag service's)."""
    from mockcvm.services.tag import validation

    tags: dict[str, str] = {}
    for spec in params.get("TagSpecification") or []:
        if spec.get("ResourceType") != resource_type:
            continue
        for tag in spec.get("Tags") or []:
            key, value = tag.get("Key", ""), tag.get("Value", "")
            if not key or len(key) > validation.MAX_KEY_LENGTH:
                raise ApiError(f"The tag key {key[:20]!r} is empty or longer than {validation.MAX_KEY_LENGTH} "
                               "characters.", code="FailedOperation.IllegalTagKey")
            if key.lower().startswith(validation.RESERVED_PREFIXES):
                raise ApiError(f"The tag key {key!r} starts with a reserved prefix "
                               f"({', '.join(validation.RESERVED_PREFIXES)}).", code="FailedOperation.TagKeyReserved")
            if len(value) > validation.MAX_VALUE_LENGTH:
                raise ApiError(f"The value of tag {key!r} is longer than {validation.MAX_VALUE_LENGTH} characters.",
                               code="FailedOperation.IllegalTagValue")
            if key in tags:
                raise ApiError(f"The tag key {key!r} is given twice.", code="InvalidParameterValue.DuplicateTags")
            tags[key] = value
    if len(tags) > validation.MAX_TAGS_PER_RESOURCE:
        raise ApiError(f"{len(tags)} tags were given; a resource carries at most "
                       f"{validation.MAX_TAGS_PER_RESOURCE}.", code="LimitExceeded.TagResourceQuota")
    return tags
