"""``mock_cvm``: start and stop the fake, as a decorator, a context manager or by hand."""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union, overload

from mockcvm.cloud import Cloud
from mockcvm.errors import MockcvmError
from mockcvm.options import make_options
from mockcvm.transports import activations

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from typing import Unpack
    else:
        from typing_extensions import Unpack

    from mockcvm.options import MockCvmOptions

F = TypeVar("F", bound=Callable[..., Any])


class MockCvm:
    """A switchable fake Tencent Cloud.

    ``start()`` returns the :class:`Cloud`; activations nest with a counter, and only the outermost ``start()``
    makes a fresh, empty world while only the matching outermost ``stop()`` drops it. The interceptions are
    shared by every live activation in the process: the first one to start installs them, the last one to stop
    removes them, in whatever order they start and stop (docs/threads.md). A request is answered by the
    activation started in its own thread or task, else by the latest ``scope="process"`` one, else refused.
    Importing mockcvm patches nothing.
    """

    def __init__(self, **options: Unpack[MockCvmOptions]) -> None:
        self.options = make_options(**options)
        self._depth = 0
        self._lock = threading.Lock()
        self._cloud: Optional[Cloud] = None
        self._activation: Optional[activations.Activation] = None

    @property
    def cloud(self) -> Cloud:
        """The active world; raises :class:`MockcvmError` when the mock is not active."""
        if self._cloud is None:
            raise MockcvmError("mock_cvm is not active: use it as a decorator, in a with block, or call start()")
        return self._cloud

    @property
    def active(self) -> bool:
        return self._cloud is not None

    def start(self) -> Cloud:
        with self._lock:
            if self._depth == 0:
                cloud = Cloud(self.options)
                self._activation = activations.enter(cloud, self.options.scope)
                self._cloud = cloud
            elif self._activation is not None:
                activations.join(self._activation)
            self._depth += 1
            return self.cloud

    def stop(self) -> None:
        """Leave one activation; the outermost stop removes the interception and drops the world.

        With ``strict=True`` the outermost stop raises ``AssertionError`` if the code under test called an action
        mockcvm does not implement, or hit a bug inside mockcvm.
        """
        with self._lock:
            if self._depth == 0:
                raise MockcvmError("stop() called more often than start()")
            self._depth -= 1
            if self._depth:
                return
            cloud, activation = self._cloud, self._activation
            self._cloud, self._activation = None, None
            if activation is not None:
                activations.leave(activation)
        if cloud is not None:
            _check_strict(cloud)

    def __enter__(self) -> Cloud:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __aenter__(self) -> Cloud:
        return self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        self.stop()

    def __call__(self, target: F) -> F:
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await target(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return target(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        import unittest

        if issubclass(cls, unittest.TestCase):
            mock = self
            original_setup = cls.setUp

            def setUp(test: unittest.TestCase) -> None:  # noqa: N802 (unittest's name)
                mock.start()
                test.addCleanup(mock.stop)
                original_setup(test)

            cls.setUp = setUp  # type: ignore[assignment,method-assign]
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and callable(member):
                setattr(cls, name, self(member))
        return cls


def _check_strict(cloud: Cloud) -> None:
    if not cloud.options.strict:
        return
    world = cloud.world
    problems = []
    if world.unimplemented:
        names = ", ".join(sorted(set(world.unimplemented)))
        problems.append(f"the code under test called actions mockcvm does not implement: {names}")
    problems.extend(f"mockcvm hit an internal error:\n{tb}" for tb in world.internal_errors)
    if problems:
        raise AssertionError("mock_cvm(strict=True): " + "\n".join(problems))


@overload
def mock_cvm(target: F) -> F: ...


@overload
def mock_cvm(target: None = None, **options: Unpack[MockCvmOptions]) -> MockCvm: ...


def mock_cvm(target: Optional[F] = None, **options: Unpack[MockCvmOptions]) -> Union[F, MockCvm]:
    """Fake Tencent Cloud for the code inside.

    As a context manager, ``with mock_cvm(**options) as cloud:`` yields the :class:`Cloud`. As a decorator,
    ``@mock_cvm`` or ``@mock_cvm(**options)`` wraps a function (sync or async) or a class (each ``test*`` method;
    for a ``unittest.TestCase``, ``setUp`` runs inside the mock). ``mock_cvm().start()``/``.stop()`` work by hand.
    The options are declared, with their types, in :class:`mockcvm.options.MockCvmOptions` (region,
    transitions, verify_signatures, strict, allow_hosts, endpoints, seed, durations, prices,
    postpaid_terminate_to_bin, balance, allow_loopback, journal_size, scope, prepaid_refunds, catalogue).
    """
    if target is not None:
        if options or not callable(target):
            raise MockcvmError("use @mock_cvm or @mock_cvm(**options), not mock_cvm(<something>, ...)")
        return MockCvm()(target)
    return MockCvm(**options)
