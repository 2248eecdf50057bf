"""mockcvm (also python -m mockcvm): demo, server and ca.

- mockcvm demo: the real SDK against the fake, printed step by step.
- mockcvm server: one fake cloud on one port for every language and process.
- mockcvm ca add|remove FILE: trust the server's CA in this environment's certifi bundle (for tccli), and
  stop trusting it.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import Any, Optional


def _pairs(text: str, what: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{what} takes NAME=VALUE, got {text!r}")
    return name, value


def _server_parser(commands: Any) -> None:
    server = commands.add_parser(
        "server",
        help="serve the fake cloud over HTTP(S) for any language and process",
        description="Serve every faked service on one port, with a control API and a dashboard under /_mockcvm/.",
    )
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=4566, help="0 picks a free port (default 4566)")
    server.add_argument("--tls", action="store_true", help="HTTPS, with a throwaway CA made at start-up")
    server.add_argument("--ca-out", metavar="FILE", help="write the CA of --tls to FILE (PEM)")
    server.add_argument("--frozen", action="store_true", help="hold the clock still (move it with the control API)")
    server.add_argument("--start", metavar="ISO8601", help="where the clock starts (default: now)")
    server.add_argument("--state", metavar="FILE", help="keep the world in FILE (SQLite) across restarts")
    server.add_argument("--state-sync", choices=("full", "normal"), default="full",
                        help="full: fsync every change before its answer (default); normal: write it to the OS "
                             "(survives kill -9 of the server, not a machine crash)")
    server.add_argument("--region", help="default region (ap-guangzhou)")
    server.add_argument("--transitions", choices=("default", "immediate", "manual"))
    server.add_argument("--seed", type=int, help="seed of every id")
    server.add_argument("--balance", help="starting balance of every account, in yuan")
    server.add_argument("--verify-signatures", action="store_true",
                        help="check signatures (register them with --credentials)")
    server.add_argument("--credentials", action="append", default=[], metavar="SECRET_ID:SECRET_KEY[:UIN]",
                        help="credentials the server accepts with --verify-signatures (repeatable)")
    server.add_argument("--strict", action="store_true")
    server.add_argument("--postpaid-terminate-to-bin", action="store_true")
    server.add_argument("--no-prepaid-refunds", action="store_true",
                        help="TerminateInstances refunds nothing for prepaid instances")
    server.add_argument("--catalogue", metavar="FILE",
                        help="a JSON file of images and instance types added to the built-in catalogue")
    server.add_argument("--journal-size", type=int, metavar="N", help="how many of the latest calls the journal keeps")
    server.add_argument("--endpoint", action="append", default=[], metavar="HOST=SERVICE",
                        type=lambda t: _pairs(t, "--endpoint"), help="another host name for a service (repeatable)")
    server.add_argument("--duration", action="append", default=[], metavar="NAME=SECONDS",
                        type=lambda t: _pairs(t, "--duration"), help="change a duration (repeatable)")
    server.add_argument("--price", action="append", default=[], metavar="NAME=YUAN",
                        type=lambda t: _pairs(t, "--price"), help="change a price (repeatable)")


def _server_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {
        "host": args.host, "port": args.port, "tls": args.tls, "ca_out": args.ca_out, "frozen": args.frozen,
        "start": args.start, "state": args.state, "state_sync": args.state_sync,
    }
    for name in ("region", "transitions", "seed", "balance"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    for name in ("verify_signatures", "strict", "postpaid_terminate_to_bin"):
        if getattr(args, name):
            options[name] = True
    if args.no_prepaid_refunds:
        options["prepaid_refunds"] = False
    if args.journal_size is not None:
        options["journal_size"] = args.journal_size
    if args.catalogue:
        try:
            with open(args.catalogue, encoding="utf-8") as file:
                options["catalogue"] = json.load(file)
        except (OSError, ValueError) as exc:
            raise SystemExit(f"mockcvm server: --catalogue takes a JSON file ({exc})") from None
    if args.endpoint:
        options["endpoints"] = dict(args.endpoint)
    if args.duration:
        try:
            options["durations"] = {name: float(value) for name, value in args.duration}
        except ValueError as exc:
            raise SystemExit(f"mockcvm server: --duration takes NAME=SECONDS ({exc})") from None
    if args.price:
        options["prices"] = dict(args.price)
    return options


def _serve(args: argparse.Namespace) -> int:
    from mockcvm.errors import MockcvmError
    from mockcvm.server.runner import _Server

    credentials = []
    for text in args.credentials:
        secret_id, _, rest = text.partition(":")
        secret_key, _, uin = rest.partition(":")
        if not secret_id or not secret_key or (uin and not uin.isdigit()):
            print(f"mockcvm server: --credentials takes SECRET_ID:SECRET_KEY[:UIN], got {text!r}", file=sys.stderr)
            return 2
        credentials.append((secret_id, secret_key, uin or None))
    try:
        server = _Server(credentials=credentials, **_server_options(args))
    except (MockcvmError, ValueError) as exc:
        print(f"mockcvm server: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: signal.raise_signal(signal.SIGINT))
    try:
        print(f"mockcvm server listening on {server.url}", flush=True)
        if server.served.replayed:
            print(f"state: replayed {server.served.replayed} change(s) from {args.state}", flush=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        world = server.served.world
        server.close()
    if args.strict and (world.unimplemented or world.internal_errors):
        from mockcvm.core import _check_strict

        try:
            _check_strict(server.served.cloud)
        except AssertionError as exc:
            print(f"mockcvm server --strict: {exc}", file=sys.stderr)
            return 1
    return 0


def _ca(args: argparse.Namespace) -> int:
    from mockcvm.errors import MockcvmError
    from mockcvm.server import certifi_bundle

    try:
        bundle = (certifi_bundle.add if args.ca_command == "add" else certifi_bundle.remove)(args.file, args.bundle)
    except (MockcvmError, OSError) as exc:
        print(f"mockcvm ca: {exc}", file=sys.stderr)
        return 2
    done = f"added {args.file} to" if args.ca_command == "add" else f"removed {args.file} from"
    print(f"{done} {bundle}")
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    from mockcvm import __version__

    parser = argparse.ArgumentParser(prog="mockcvm", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mockcvm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run a scripted session of tencentcloud-sdk-python against the fake")
    _server_parser(commands)
    ca = commands.add_parser("ca", help="add the server's CA to (or remove it from) a certifi bundle, for tccli")
    ca.add_argument("ca_command", choices=("add", "remove"))
    ca.add_argument("file", help="the CA file that mockcvm server --ca-out wrote")
    ca.add_argument("--bundle", help="the bundle to change (default: certifi.where() of this Python)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from mockcvm.demo import run

        return run(sys.stdout)
    if args.command == "server":
        return _serve(args)
    if args.command == "ca":
        return _ca(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
