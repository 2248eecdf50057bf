"""mockcvm demo (also python -m mockcvm demo): the real SDK against the fake, printed step by step."""

from __future__ import annotations

import argparse
import sys
from typing import Optional


def main(argv: Optional[list[str]] = None) -> int:
    from mockcvm import __version__

    parser = argparse.ArgumentParser(prog="mockcvm", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockcvm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run a scripted session of tencentcloud-sdk-python against the fake")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from mockcvm.demo import run

        return run(sys.stdout)
    return 2


if __name__ == "__main__":
    sys.exit(main())
