"""``mockcvm ca add FILE`` / ``mockcvm ca remove FILE``: trust the server's CA in a certifi bundle and stop again.

The Python SDK, and so tccli, verify HTTPS against ``certifi.where()``; tccli has no flag to name another CA
file. These commands append the CA to that bundle between marker lines, and remove exactly that block again.
"""

from __future__ import annotations

import os
import re
from typing import Optional

from mockcvm.errors import MockcvmError

BEGIN = "# BEGIN mockcvm CA {name}\n"
END = "# END mockcvm CA {name}\n"


def default_bundle() -> str:
    try:
        import certifi
    except ImportError:
        raise MockcvmError("certifi is not installed in this environment; give the bundle with --bundle") from None
    return str(certifi.where())


def _name(ca_file: str) -> str:
    return os.path.basename(ca_file)


def add(ca_file: str, bundle: Optional[str] = None) -> str:
    """Append ``ca_file`` to ``bundle`` (default: this environment's certifi) unless it is there; return the bundle."""
    bundle = bundle or default_bundle()
    with open(ca_file, encoding="ascii") as handle:
        pem = handle.read()
    if "-----BEGIN CERTIFICATE-----" not in pem:
        raise MockcvmError(f"{ca_file} holds no PEM certificate")
    with open(bundle, encoding="utf-8") as handle:
        text = handle.read()
    if pem.strip() in text:
        return bundle
    block = BEGIN.format(name=_name(ca_file)) + pem.strip() + "\n" + END.format(name=_name(ca_file))
    with open(bundle, "a", encoding="utf-8") as handle:
        handle.write(("" if text.endswith("\n") else "\n") + block)
    return bundle


def remove(ca_file: str, bundle: Optional[str] = None) -> str:
    """Remove the block :func:`add` wrote for ``ca_file`` (named by its file name); return the bundle."""
    bundle = bundle or default_bundle()
    with open(bundle, encoding="utf-8") as handle:
        text = handle.read()
    name = re.escape(_name(ca_file))
    cleaned = re.sub(rf"# BEGIN mockcvm CA {name}\n.*?# END mockcvm CA {name}\n", "", text, flags=re.S)
    if cleaned != text:
        with open(bundle, "w", encoding="utf-8") as handle:
            handle.write(cleaned)
    return bundle
