"""Extract the stripped API description that mockcvm ships from the tccli package's api.json.

Usage::

    pip download --no-deps tccli -d /tmp/tccli && python tools/extract_schema.py /tmp/tccli/tccli-*.whl

(or point it at an installed ``tccli`` package directory). It writes one file per service in scope to
``mockcvm/schema/<service>.json``: action names with their input and output objects, and for every object its
members as ``[type, member_type, required, output_required]``. Prose, examples and disabled members are dropped.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

SERVICES = {
    "cvm": "v20170312",
    "vpc": "v20170312",
    "cbs": "v20170312",
    "tag": "v20180813",
    "billing": "v20180709",
    "sts": "v20180813",
    "monitor": "v20180724",
}
OUT = Path(__file__).resolve().parent.parent / "mockcvm" / "schema"


def read_api(source: Path, service: str, version: str) -> dict[str, Any]:
    inner = f"tccli/services/{service}/{version}/api.json"
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            return json.loads(wheel.read(inner))  # type: ignore[no-any-return]
    base = source if source.name == "tccli" else source / "tccli"
    return json.loads((base.parent / inner).read_text("utf-8"))  # type: ignore[no-any-return]


def strip(api: dict[str, Any]) -> dict[str, Any]:
    actions = {
        name: {"input": spec["input"], "output": spec["output"]}
        for name, spec in sorted(api["actions"].items())
    }
    objects: dict[str, Any] = {}
    for name, obj in sorted(api["objects"].items()):
        members = {}
        for m in obj.get("members", []):
            if m.get("disabled"):
                continue
            members[m["name"]] = [
                m["type"],
                m.get("member", ""),
                bool(m.get("required", False)),
                bool(m.get("output_required", False)),
            ]
        objects[name] = members
    return {"version": api["metadata"]["apiVersion"], "actions": actions, "objects": objects}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    source = Path(argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    for service, version in SERVICES.items():
        stripped = strip(read_api(source, service, version))
        target = OUT / f"{service}.json"
        target.write_text(json.dumps(stripped, separators=(",", ":"), sort_keys=True) + "\n", "utf-8")
        print(f"{target.relative_to(OUT.parent.parent)}: {len(stripped['actions'])} actions, "
              f"{len(stripped['objects'])} objects")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
