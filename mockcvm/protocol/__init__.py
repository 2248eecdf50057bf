"""The wire protocol: from an HTTP request to a validated :class:`ApiCall`, and from an answer back to HTTP."""

from mockcvm.protocol.messages import ApiCall, HttpRequest, HttpResponse

__all__ = ["ApiCall", "HttpRequest", "HttpResponse"]
