"""The CVM instance lifecycle as a table.

``LIFECYCLE.step(operation, state)`` gives the :class:`Step` (state shown while in flight, state it settles
into) or raises :class:`~mockcvm.engine.transitions.Refused` with the wire code for that state. The operations are
the API actions plus the three ways an instance leaves service:

- ``Isolate``: into the recycle bin (prepaid TerminateInstances, console "release after 2 h", the
  ``postpaid_terminate_to_bin`` option). SHUTDOWN is shown at once; the operation settles like any other.
- ``Destroy``: released (TERMINATING, then gone).
- ``Recover``: the console's recovery of a postpaid instance from the bin.
"""

from __future__ import annotations

from mockcvm.engine.transitions import Lifecycle, Step
from mockcvm.services.cvm.models import (
    ENTER_RESCUE_MODE,
    EXIT_RESCUE_MODE,
    LAUNCH_FAILED,
    PENDING,
    REBOOTING,
    RELEASED,
    RESCUE_MODE,
    RUNNING,
    SHUTDOWN,
    STARTING,
    STATES,
    STOPPED,
    STOPPING,
    TERMINATING,
)

#: RunInstances starts from no state at all.
NEW = "(new)"
ISOLATE = "Isolate"
DESTROY = "Destroy"
RECOVER = "Recover"

_STAY_RUNNING = Step(RUNNING, RUNNING)
_STAY_STOPPED = Step(STOPPED, STOPPED)
_TO_BIN = Step(SHUTDOWN, SHUTDOWN)
_TO_GONE = Step(TERMINATING, RELEASED)

STEPS: dict[str, dict[str, Step]] = {
    "RunInstances": {NEW: Step(PENDING, RUNNING)},
    "StartInstances": {STOPPED: Step(STARTING, RUNNING)},
    "StopInstances": {RUNNING: Step(STOPPING, STOPPED)},
    "RebootInstances": {RUNNING: Step(REBOOTING, RUNNING)},
    # Renewing a binned prepaid instance recovers it (stopped); otherwise the state does not move.
    "RenewInstances": {RUNNING: _STAY_RUNNING, STOPPED: _STAY_STOPPED, SHUTDOWN: _STAY_STOPPED},
    # Applied at once (no in-flight period); the table only says where it is allowed.
    "ModifyInstancesAttribute": {RUNNING: _STAY_RUNNING, STOPPED: _STAY_STOPPED, LAUNCH_FAILED: Step(
        LAUNCH_FAILED, LAUNCH_FAILED)},
    ISOLATE: {RUNNING: _TO_BIN, STOPPED: _TO_BIN},
    DESTROY: {RUNNING: _TO_GONE, STOPPED: _TO_GONE, SHUTDOWN: _TO_GONE, LAUNCH_FAILED: _TO_GONE},
    RECOVER: {SHUTDOWN: _STAY_STOPPED},
    # Changes the real API makes only on a stopped instance (key pairs, password, disk resize); with ForceStop a
    # running instance is stopped, changed and started again.
    "OfflineChange": {STOPPED: _STAY_STOPPED},
    "OfflineChange.ForceStop": {RUNNING: Step(REBOOTING, RUNNING), STOPPED: _STAY_STOPPED},
    # A reinstall and a type change end running, whatever the state before.
    "ResetInstance": {RUNNING: Step(REBOOTING, RUNNING), STOPPED: Step(STARTING, RUNNING)},
    "ResetInstancesType": {STOPPED: Step(STARTING, RUNNING)},
    "ResetInstancesType.ForceStop": {RUNNING: Step(REBOOTING, RUNNING), STOPPED: Step(STARTING, RUNNING)},
    # Applied at once, running or stopped (project, bandwidth).
    "OnlineChange": {RUNNING: _STAY_RUNNING, STOPPED: _STAY_STOPPED},
    # Rescue mode boots a rescue system; leaving it leaves the instance stopped.
    "EnterRescueMode": {RUNNING: Step(ENTER_RESCUE_MODE, RESCUE_MODE), STOPPED: Step(ENTER_RESCUE_MODE, RESCUE_MODE)},
    "ExitRescueMode": {RESCUE_MODE: Step(EXIT_RESCUE_MODE, STOPPED)},
}


def _camel(state: str) -> str:
    return "".join(part.capitalize() for part in state.split("_"))


#: Any operation refused in a state answers ``UnsupportedOperation.InstanceState<State>``
#: (``InstanceStatePending``, ``InstanceStateShutdown``, ``InstanceStateLaunchFailed``, ...).
REFUSAL_CODES: dict[str, str] = {state: f"UnsupportedOperation.InstanceState{_camel(state)}" for state in STATES}

LIFECYCLE = Lifecycle(STEPS, REFUSAL_CODES)

#: States that are shown only while an operation is in flight.
TRANSITIONAL = frozenset({PENDING, STARTING, STOPPING, REBOOTING, TERMINATING, ENTER_RESCUE_MODE, EXIT_RESCUE_MODE})


def terminate_operation(state: str, prepaid: bool, postpaid_to_bin: bool) -> str:
    """What TerminateInstances does to an instance: into the bin, or destroyed."""
    if state in (SHUTDOWN, LAUNCH_FAILED):
        return DESTROY
    if prepaid or postpaid_to_bin:
        return ISOLATE
    return DESTROY
