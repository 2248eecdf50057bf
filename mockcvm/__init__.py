"""mockcvm: an in-memory fake of Tencent Cloud CVM (with VPC, CBS, Tag, Billing and STS around it) for tests.

    from mockcvm import mock_cvm

    with mock_cvm() as cloud:
        ...  # unchanged tencentcloud-sdk-python code talks to the fake
"""

from mockcvm.cloud import Cloud
from mockcvm.core import MockCvm, mock_cvm
from mockcvm.errors import ApiError, MockcvmError, NetworkGuardError
from mockcvm.journal import Call

__version__ = "0.1.0"

__all__ = ["ApiError", "Call", "Cloud", "MockCvm", "MockcvmError", "NetworkGuardError", "__version__", "mock_cvm"]
