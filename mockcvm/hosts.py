"""Which hosts the fake answers, and for which service."""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

from mockcvm.options import Options

_TENCENT = re.compile(r"^(?P<service>[a-z0-9-]+)\.(?:[a-z0-9-]+\.)?tencentcloudapi\.com$")


class HostMap:
    def __init__(self, options: Options) -> None:
        self._extra = options.endpoint_services
        self._allowed = set(options.allow_hosts)

    def lookup(self, url: str) -> tuple[bool, Optional[str]]:
        """``(answered_by_the_fake, service_or_None)`` for a request URL."""
        host = _hostname(url)
        if host in self._extra:
            return True, self._extra[host]
        bare = host.split(":")[0]
        if bare in self._extra:
            return True, self._extra[bare]
        match = _TENCENT.match(bare)
        if match:
            return True, match.group("service")
        return False, None

    def allowed(self, url: str) -> bool:
        host = _hostname(url)
        return host in self._allowed or host.split(":")[0] in self._allowed


def _hostname(url: str) -> str:
    return (urlsplit(url).netloc or "").lower().rsplit("@", 1)[-1]


def guard_message(url: str, method: str) -> str:
    host = _hostname(url).split(":")[0]
    return (
        f"mockcvm blocked a real network request: {method} {url}. While mock_cvm is active only Tencent Cloud "
        f"API hosts (*.tencentcloudapi.com) are answered and every other host is refused. If the code under test "
        f"must reach {host}, allow it with mock_cvm(allow_hosts=[{host!r}]); if it is a Tencent Cloud endpoint "
        f"under another name, answer it with mock_cvm(endpoints={{{host!r}: '<service>'}})."
    )
