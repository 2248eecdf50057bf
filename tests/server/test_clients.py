"""The README's tccli and Node examples, run as they are written against a server (port and CA file swapped in)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from mockcvm.server import ThreadedServer
from tests.server.conftest import call, control, require_binary, sdk_client

README = Path(__file__).resolve().parents[2] / "README.md"
NODE_DIR = Path(__file__).resolve().parent / "node"


def _block(language: str, after: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(after):]
    match = re.search(rf"^```{language}\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no ```{language} block after {after!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadedServer]:
    ca = tmp_path_factory.mktemp("tls") / "mockcvm-ca.pem"
    with ThreadedServer(port=0, tls=True, ca_out=str(ca), frozen=True, seed=11) as server:
        yield server


def test_the_python_sdk_over_https_with_the_ca(tls_server: ThreadedServer) -> None:
    assert tls_server.url.startswith("https://127.0.0.1:")
    client = sdk_client(tls_server, certification=tls_server.ca_file)
    assert call(client, "DescribeZones").TotalCount > 0


def test_the_readme_tccli_recipe_over_https(tls_server: ThreadedServer, tmp_path: Path) -> None:
    tccli = Path(sys.executable).parent / "tccli"
    if not tccli.exists():
        pytest.fail("tccli is not installed in this environment; pip install -e '.[test]' installs it")
    import certifi

    # a throwaway copy of certifi first on the path: the recipe changes the copy, never this environment's bundle
    shutil.copytree(Path(certifi.__file__).parent, tmp_path / "certifi")
    original = (tmp_path / "certifi" / "cacert.pem").read_text()
    ca_file = tmp_path / "mockcvm-ca.pem"
    shutil.copy(str(tls_server.ca_file), ca_file)
    recipe = _block("bash", "### tccli").splitlines()
    lines = [line for line in recipe if line and not line.startswith("mockcvm server")]
    script = "\n".join(["set -e", *lines]).replace("127.0.0.1:4566", tls_server.endpoint)
    script = re.sub(r"^mockcvm ", f"{sys.executable} -m mockcvm ", script, flags=re.MULTILINE)
    script = re.sub(r"^tccli ", f"{tccli} ", script, flags=re.MULTILINE)
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    [launched] = tls_server.cloud.world.cvm.all_instances()
    assert f'"{launched.instance_id}"' in done.stdout  # RunInstances printed the id it got
    assert (tmp_path / "certifi" / "cacert.pem").read_text() == original  # ca remove undid ca add


def test_the_readme_node_example_launches_and_terminates_while_the_test_moves_the_clock(tmp_path: Path) -> None:
    node = require_binary("node")
    if not (NODE_DIR / "node_modules" / "tencentcloud-sdk-nodejs-cvm").is_dir():  # the set-up: the SDK from npm
        npm = require_binary("npm")
        done = subprocess.run([npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"npm install of the Node SDK failed:\n{done.stdout}{done.stderr}"
    with ThreadedServer(port=0, frozen=True, seed=12) as server:
        script = NODE_DIR / "readme_example.js"
        script.write_text(_block("js", "### Node").replace("127.0.0.1:4566", server.endpoint), encoding="utf-8")
        try:
            proc = subprocess.Popen([node, str(script)], cwd=NODE_DIR, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            launched = proc.stdout.readline().split()
            assert launched[:1] == ["launched"], launched
            instance_id = launched[1]
            assert server.cloud.world.cvm.all_instances()[0].state == "PENDING"
            assert control(server, "POST", "clock", {"tick": 5})[0] == 200  # the frozen clock moves: RUNNING
            out, err = proc.communicate(timeout=30)
        finally:
            script.unlink()
        assert proc.returncode == 0, err
        assert out.strip() == f"terminated {instance_id}"
        actions = [c.action for c in server.cloud.calls() if c.ok]
        assert actions[0] == "RunInstances" and actions[-1] == "TerminateInstances"
        assert all(c.service == "cvm" for c in server.cloud.calls())
        server.tick(5)
        assert server.cloud.world.cvm.all_instances() == []


def test_ca_add_is_idempotent_and_remove_undoes_it(tls_server: ThreadedServer, tmp_path: Path) -> None:
    from mockcvm.server import certifi_bundle

    bundle = tmp_path / "bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\nexisting\n-----END CERTIFICATE-----\n")
    original = bundle.read_text()
    ca = str(tls_server.ca_file)
    certifi_bundle.add(ca, str(bundle))
    certifi_bundle.add(ca, str(bundle))
    assert bundle.read_text().count("BEGIN mockcvm CA") == 1
    assert Path(ca).read_text().strip() in bundle.read_text()
    certifi_bundle.remove(ca, str(bundle))
    assert bundle.read_text() == original
