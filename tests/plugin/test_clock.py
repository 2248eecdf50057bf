"""``cvm_clock``: freezegun by default, time-machine when the test uses it, forward only, clear errors."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from tests.plugin import RUN_ARGS

pytest_plugins = ["pytester"]


def test_clock_drives_the_fake_through_freezegun(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time
        from datetime import datetime, timedelta, timezone

        import pytest

        from pytest_mockcvm import CvmClock

        START = datetime(2026, 1, 5, 4, 0, 0, tzinfo=timezone.utc)


        @pytest.mark.mockcvm(clock_start="2026-01-05T04:00:00Z", clock_library="freezegun")
        def test_world_starts_at_the_clock(cvm_clock: CvmClock, cvm):
            assert cvm_clock.backend == "freezegun"
            assert cvm_clock.now() == START
            assert cvm.now() == START.timestamp()
            assert cvm_clock.tick(90) == START + timedelta(seconds=90)
            assert cvm_clock.tick(timedelta(hours=1)) == START + timedelta(seconds=3690)
            assert time.time() == cvm.now() == START.timestamp() + 3690
            assert cvm_clock.move_to("2026-01-06T00:00:00Z") == datetime(2026, 1, 6, tzinfo=timezone.utc)
            assert cvm_clock.move_to(datetime(2026, 1, 7)) == datetime(2026, 1, 7, tzinfo=timezone.utc)
            assert cvm.now() == datetime(2026, 1, 7, tzinfo=timezone.utc).timestamp()


        def test_clock_requested_after_cvm_is_still_frozen_first(cvm, cvm_clock):
            assert cvm.now() == cvm_clock.now().timestamp()
            assert cvm.now() == int(cvm.now())  # starts on a whole second


        def test_time_is_real_again_after_a_clock_test():
            assert abs(time.time() - datetime.now(timezone.utc).timestamp()) < 5
            assert datetime.now(timezone.utc) > START + timedelta(days=300)


        @pytest.mark.mockcvm(clock_start="2026-01-05T04:00:00Z")
        def test_move_backwards(cvm_clock):
            cvm_clock.tick(60)
            cvm_clock.move_to("2026-01-05T04:00:30Z")


        def test_negative_tick(cvm_clock):
            cvm_clock.tick(-5)


        @pytest.mark.mockcvm(clock_start="2026-01-05T04:00:00Z", clock_library="freezegun")
        def test_own_freeze_inside_the_test(cvm, cvm_clock):
            from freezegun import freeze_time

            with freeze_time("2026-02-01"):
                cvm_clock.tick(60)
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS)
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_move_backwards _*",
            "E   *ValueError: cvm_clock.move_to(2026-01-05T04:00:30Z) would move time backwards from "
            "2026-01-05T04:01:00Z. The fake never undoes what happened, so time only moves forward. To start a "
            "test at an earlier moment use @pytest.mark.mockcvm(clock_start=...) (or the ini option "
            "mockcvm_clock_start).",
            "*_ test_negative_tick _*",
            "E   *ValueError: cvm_clock.tick(-5): time only moves forward, give seconds >= 0. The fake never "
            "undoes what happened, so there is no way back.",
            "*_ test_own_freeze_inside_the_test _*",
            "E   *mockcvm.errors.MockcvmError: cvm_clock.tick(): the test started a freezegun freeze of its own "
            "(freeze_time) after cvm_clock froze time, and that freeze now decides the time, so cvm_clock cannot "
            "move it. Use one of them: drop the test's freeze_time and set the start with "
            "@pytest.mark.mockcvm(clock_start=...), or start the freeze in a fixture that runs before cvm_clock "
            "(cvm_clock then drives it), or move your own freeze with its tick()/move_to() and do not request "
            "cvm_clock.",
        ]
    )


def test_clock_cooperates_with_time_machine_and_an_earlier_freeze(pytester: pytest.Pytester) -> None:
    # a suite-wide clock_start applies to cvm_clock's own freeze, and never moves a freeze the test chose
    pytester.makeini("[pytest]\nmockcvm_clock_start = 2026-01-05T04:00:00Z\n")
    pytester.makepyfile(
        """
        from datetime import datetime, timezone

        import pytest
        import time_machine
        from freezegun import freeze_time


        def test_ini_clock_start(cvm_clock, cvm):
            assert cvm.now() == datetime(2026, 1, 5, 4, tzinfo=timezone.utc).timestamp()


        def test_with_the_time_machine_fixture(time_machine, cvm, cvm_clock):
            assert cvm_clock.backend == "time-machine"
            start = cvm.now()
            assert start == datetime(2026, 1, 5, 4, tzinfo=timezone.utc).timestamp()
            cvm_clock.tick(10)
            assert cvm.now() == start + 10
            time_machine.move_to(datetime(2030, 1, 1, tzinfo=timezone.utc), tick=False)  # the test's own move
            cvm_clock.tick(30)  # drives the test's travel, which now decides the time
            assert cvm_clock.now() == datetime(2030, 1, 1, 0, 0, 30, tzinfo=timezone.utc)
            assert cvm.now() == cvm_clock.now().timestamp()


        @pytest.fixture
        def travel():
            with time_machine.travel(datetime(2027, 3, 1, tzinfo=timezone.utc), tick=False) as traveller:
                yield traveller


        def test_an_active_travel_is_driven(travel, cvm_clock, cvm):
            assert cvm_clock.backend == "time-machine"
            assert cvm.now() == datetime(2027, 3, 1, tzinfo=timezone.utc).timestamp()
            cvm_clock.tick(3600)
            assert cvm.now() == datetime(2027, 3, 1, 1, tzinfo=timezone.utc).timestamp()


        @pytest.mark.time_machine(datetime(2028, 1, 1, tzinfo=timezone.utc), tick=False)
        def test_the_time_machine_marker(cvm, cvm_clock):
            assert cvm_clock.now() == datetime(2028, 1, 1, tzinfo=timezone.utc)
            cvm_clock.tick(1)
            assert cvm.now() == datetime(2028, 1, 1, 0, 0, 1, tzinfo=timezone.utc).timestamp()


        @pytest.fixture
        def frozen():
            with freeze_time("2029-06-01T00:00:00Z") as factory:
                yield factory


        def test_an_earlier_freezegun_freeze_is_driven(frozen, cvm_clock, cvm):
            assert cvm_clock.backend == "freezegun"
            cvm_clock.tick(60)
            assert cvm.now() == datetime(2029, 6, 1, 0, 1, tzinfo=timezone.utc).timestamp()
            frozen.tick(60)  # the test may move it itself too
            assert cvm_clock.now() == datetime(2029, 6, 1, 0, 2, tzinfo=timezone.utc)


        @pytest.mark.mockcvm(clock_start="2026-01-05T04:00:00Z", clock_library="freezegun")
        @time_machine.travel("2027-01-01", tick=False)
        def test_time_machine_decorator_on_a_freezegun_clock(cvm_clock):
            pass
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS)
    if int(version("time-machine").split(".")[0]) < 3:  # time-machine 2 (Python 3.9) does not check for freezegun
        result.assert_outcomes(passed=6)
        return
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_time_machine_decorator_on_a_freezegun_clock _*",
            "E   *RuntimeError: time-machine cannot start when freezegun is active.",
        ]
    )
