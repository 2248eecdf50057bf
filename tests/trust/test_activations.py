"""Activations from many threads, in any start/stop order: transports left exactly as found, no call answered by a
dead or foreign world, none sent to the network."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter

from mockcvm import NetworkGuardError, mock_cvm
from tests import sdk


def patch_points() -> tuple[Any, ...]:
    return (HTTPAdapter.send, httpx.HTTPTransport.handle_request, httpx.AsyncHTTPTransport.handle_async_request,
            socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo, socket.create_connection)


def names_in(cloud: Any) -> set[str]:
    return {i.name for i in cloud.world.cvm.all_instances()}


def launch(name: str) -> None:
    sdk.call(sdk.client("cvm"), "RunInstances", InstanceName=name, ImageId="img-eb30mz89",
             Placement={"Zone": "ap-guangzhou-3"}, InstanceType="S5.MEDIUM2")


@pytest.mark.parametrize("scope", ["process", "thread"])
def test_eight_threads_each_with_its_own_mock_are_answered_by_their_own_world(scope: str) -> None:
    found = patch_points()
    barrier = threading.Barrier(8)
    problems: list[str] = []

    def worker(number: int) -> None:
        try:
            options = {} if scope == "process" else {"scope": scope}  # process-wide is the default
            with mock_cvm(transitions="immediate", **options) as cloud:
                barrier.wait(timeout=10)  # every thread's activation is live at once
                for call in range(5):
                    launch(f"t{number}-{call}")
                listed = {i.InstanceName for i in sdk.call(sdk.client("cvm"), "DescribeInstances").InstanceSet}
                barrier.wait(timeout=10)
                expected = {f"t{number}-{call}" for call in range(5)}
                if names_in(cloud) != expected or listed != expected:
                    problems.append(f"thread {number}: stored {sorted(names_in(cloud))}, listed {sorted(listed)}")
                if len(cloud.journal) != 6:
                    problems.append(f"thread {number}: {len(cloud.journal)} calls in its journal")
        except Exception as exc:  # noqa: BLE001 (reported below)
            problems.append(f"thread {number}: {exc!r}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert problems == []
    assert patch_points() == found


def test_interleaved_start_and_stop_leave_the_transports_as_found() -> None:
    found = patch_points()
    a, b = mock_cvm(transitions="immediate"), mock_cvm(transitions="immediate")
    cloud_a = a.start()
    cloud_b = b.start()
    a.stop()
    launch("after-a-stopped")  # answered by b, the live one, never by a's dropped world
    assert names_in(cloud_b) == {"after-a-stopped"} and names_in(cloud_a) == set()
    b.stop()
    assert patch_points() == found


@pytest.mark.parametrize("order", ["abab", "abba", "aabb"])
def test_any_start_stop_order_from_two_threads_leaves_the_transports_as_found(order: str) -> None:
    found = patch_points()
    mocks = {"a": mock_cvm(), "b": mock_cvm()}
    started: set[str] = set()
    for name in order:
        worker = threading.Thread(target=(mocks[name].stop if name in started else mocks[name].start))
        started.add(name)
        worker.start()
        worker.join()
    assert patch_points() == found


def test_a_thread_scoped_mock_does_not_answer_other_threads() -> None:
    outcome: list[BaseException] = []

    def other_thread() -> None:
        try:
            sdk.call(sdk.client("cvm"), "DescribeRegions")
        except BaseException as exc:  # noqa: BLE001 (checked below)
            outcome.append(exc)

    with mock_cvm(scope="thread") as cloud:
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert len(cloud.journal) == 0
    assert isinstance(outcome[0], sdk.SDKError) and outcome[0].code == "ClientNetworkError"
    assert "scope='process'" in outcome[0].message


def test_a_process_scoped_mock_answers_threads_that_started_none() -> None:
    with mock_cvm() as cloud:
        worker = threading.Thread(target=lambda: sdk.call(sdk.client("cvm"), "DescribeRegions"))
        worker.start()
        worker.join()
    assert len(cloud.calls("DescribeRegions")) == 1


def test_a_stopped_activation_never_answers() -> None:
    a = mock_cvm()
    cloud_a = a.start()
    b = mock_cvm(scope="thread")
    b.start()
    a.stop()
    outcome: list[BaseException] = []

    def other_thread() -> None:  # a is dead and b serves only its own thread: refused, not sent
        try:
            requests.post("https://cvm.tencentcloudapi.com/", data=b"{}", timeout=2)
        except BaseException as exc:  # noqa: BLE001 (checked below)
            outcome.append(exc)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    b.stop()
    assert isinstance(outcome[0], NetworkGuardError)
    assert len(cloud_a.journal) == 0


def test_asyncio_tasks_each_with_a_thread_scoped_mock_are_answered_by_their_own_world() -> None:
    async def task(name: str) -> set[str]:
        async with mock_cvm(scope="thread", transitions="immediate") as cloud:
            client = sdk.client("cvm", asynchronous=True)
            async with client:
                for _ in range(3):
                    await client.RunInstances(sdk.request(
                        "cvm", "RunInstances", InstanceName=name, ImageId="img-eb30mz89",
                        Placement={"Zone": "ap-guangzhou-3"}, InstanceType="S5.MEDIUM2"))
                    await asyncio.sleep(0)
            return names_in(cloud) | {str(len(cloud.journal))}

    async def both() -> list[set[str]]:
        return list(await asyncio.gather(task("one"), task("two")))

    assert asyncio.run(both()) == [{"one", "3"}, {"two", "3"}]
