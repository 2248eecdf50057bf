"""Errors the fake answers with, keyed by their Tencent wire code.

Every refusal inside mockcvm is an :class:`ApiError`; the protocol layer turns it into the Tencent error envelope
``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``. The wire code is the error's identity: ``code`` is
the exact string the real API sends.

The tree (the classes exist for the codes mockcvm raises from more than one place)::

    ApiError(code, message)                      any Tencent error code
    ├── InvalidAction                            the action does not exist in the service
    ├── MockcvmMessage                           a message mockcvm wrote: English, then Chinese for zh-CN
    │   └── NotImplementedByMockcvm              the action exists on Tencent Cloud, mockcvm does not build it
    ├── NoSuchVersion
    ├── AuthFailure                              AuthFailure.* (signature, secret id, expiry)
    ├── UnsupportedRegion
    ├── RequestLimitExceeded
    ├── UnknownParameter
    ├── MissingParameter
    ├── InvalidParameter
    └── InvalidParameterValue                    InvalidParameterValue and InvalidParameterValue.*

Messages that mimic the real cloud follow the request's language (``X-TC-Language``: the SDK sends ``zh-CN``
unless told otherwise). Messages mockcvm adds that the real cloud never sends (an action mockcvm does not
implement, a bug inside mockcvm) are always in English, with the Chinese after them when the request asks for
``zh-CN``: see :class:`MockcvmMessage`.

Errors of the mock itself, raised in the *test* process rather than sent to the SDK, are ordinary Python
exceptions: :class:`MockcvmError` (misuse of the control API; :class:`InvalidAmount` and
:class:`UnknownActionName`, also ``ValueError``, for money that is not a number and an action name that does not
exist) and :class:`NetworkGuardError` (a request to a host that is not Tencent Cloud while the mock is active).
"""

from __future__ import annotations

from typing import ClassVar, Optional


class ApiError(Exception):
    """A refusal with a Tencent wire code.

    ``ApiError("Instance ins-1 not found.", code="InvalidInstanceId.NotFound")``; subclasses fix a default code, which
    ``code=`` can refine (``InvalidParameterValue(msg, code="InvalidParameterValue.LimitExceeded")``).
    ``message_zh`` is sent instead of ``message`` when the caller asked for ``zh-CN``.
    """

    code: ClassVar[str] = "InternalError"

    def __init__(self, message: str, *, code: Optional[str] = None, message_zh: Optional[str] = None) -> None:
        self.wire_code: str = code or type(self).code
        self.message = message
        self.message_zh = message_zh
        super().__init__(f"[{self.wire_code}] {message}")

    def message_for(self, language: str) -> str:
        if language.lower().startswith("zh") and self.message_zh:
            return self.message_zh
        return self.message


class MockcvmMessage(ApiError):
    """An error whose message mockcvm wrote (the real cloud never sends it): English always, and for a ``zh-CN``
    request the Chinese after it, so a reader of either language, and the README's quotes, find the text."""

    code = "InternalError"

    def message_for(self, language: str) -> str:
        if language.lower().startswith("zh") and self.message_zh:
            return f"{self.message} ({self.message_zh})"
        return self.message


class InvalidAction(ApiError):
    code = "InvalidAction"


class NotImplementedByMockcvm(MockcvmMessage):
    """Tencent Cloud has this action; mockcvm does not implement it (yet). The wire code is ``UnsupportedOperation``."""

    code = "UnsupportedOperation"


class NoSuchVersion(ApiError):
    code = "NoSuchVersion"


class AuthFailure(ApiError):
    code = "AuthFailure"


class UnsupportedRegion(ApiError):
    code = "UnsupportedRegion"


class RequestLimitExceeded(ApiError):
    code = "RequestLimitExceeded"


class UnknownParameter(ApiError):
    code = "UnknownParameter"


class MissingParameter(ApiError):
    code = "MissingParameter"


class InvalidParameter(ApiError):
    code = "InvalidParameter"


class InvalidParameterValue(ApiError):
    code = "InvalidParameterValue"


class MockcvmError(Exception):
    """The test used mockcvm's own API wrongly (bad option, unknown instance in a control call, ...)."""


class InvalidAmount(MockcvmError, ValueError):
    """An amount of money that is not an exact, finite number of yuan (also a ``ValueError``)."""


class UnknownActionName(MockcvmError, ValueError):
    """An action name given to mockcvm's control API (``inject``) that no faked service has (a ``ValueError``)."""


class NetworkGuardError(ConnectionError):
    """A request left for a host that is not Tencent Cloud while mockcvm was active."""
