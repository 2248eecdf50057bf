"""HTTPS for the server: a throwaway CA made at start-up and a certificate it issues for ``127.0.0.1``,
``localhost`` and ``*.tencentcloudapi.com`` (with ``trustme``)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Optional

from mockcvm.errors import MockcvmError

NAMES = ("127.0.0.1", "localhost", "*.tencentcloudapi.com", "tencentcloudapi.com")


@dataclass
class Certificates:
    directory: str
    cert_file: str  #: the server's certificate chain (PEM)
    key_file: str  #: its private key (PEM)
    ca_file: str  #: the CA that issued it (PEM): what clients must trust


def make_certificates(ca_out: Optional[str] = None) -> Certificates:
    """Make a CA and a server certificate in a new temporary directory; copy the CA to ``ca_out`` if given."""
    try:
        import trustme
    except ImportError:  # pragma: no cover - depends on the install
        raise MockcvmError("--tls needs trustme: pip install 'mockcvm[server]'") from None
    ca = trustme.CA(organization_name="mockcvm", organization_unit_name="throwaway CA of mockcvm server")
    issued = ca.issue_cert(*NAMES)
    directory = tempfile.mkdtemp(prefix="mockcvm-tls-")
    paths = Certificates(
        directory, os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"),
        os.path.join(directory, "ca.pem"),
    )
    issued.cert_chain_pems[0].write_to_path(paths.cert_file)
    for pem in issued.cert_chain_pems[1:]:
        pem.write_to_path(paths.cert_file, append=True)
    issued.private_key_pem.write_to_path(paths.key_file)
    ca.cert_pem.write_to_path(paths.ca_file)
    if ca_out:
        ca.cert_pem.write_to_path(ca_out)
    return paths


def remove_certificates(paths: Certificates) -> None:
    for name in (paths.cert_file, paths.key_file, paths.ca_file):
        try:
            os.remove(name)
        except OSError:
            pass
    try:
        os.rmdir(paths.directory)
    except OSError:
        pass
