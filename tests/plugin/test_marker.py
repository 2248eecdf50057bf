"""The ``mockcvm`` marker and the ini defaults: closest wins, and bad options are named with what is valid."""

from __future__ import annotations

import pytest

from tests.plugin import RUN_ARGS

pytest_plugins = ["pytester"]

OPTIONS = (
    "region, transitions, verify_signatures, strict, allow_hosts, endpoints, seed, durations, prices, "
    "postpaid_terminate_to_bin, balance, allow_loopback, journal_size, scope, prepaid_refunds, catalogue, clock_start, "
    "sleep, clock_library, assert_faults_fired"
)


def test_markers_merge_closest_wins_over_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        mockcvm_transitions = manual
        mockcvm_balance = 50
        mockcvm_seed = 7
        mockcvm_strict = true
        """
    )
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.mockcvm(region="ap-shanghai", transitions="immediate")


        def test_ini_then_module(cvm):
            assert cvm.options.transitions == "immediate"
            assert cvm.options.region == "ap-shanghai"
            assert cvm.options.strict is True
            assert cvm.options.seed == 7
            assert cvm.balance() == 50


        @pytest.mark.mockcvm(balance=10)
        class TestClass:
            def test_class_marker(self, cvm):
                assert cvm.balance() == 10
                assert cvm.options.region == "ap-shanghai"

            @pytest.mark.mockcvm(balance=3, transitions="default")
            def test_function_marker_is_closest(self, cvm):
                assert cvm.balance() == 3
                assert cvm.options.transitions == "default"
                assert cvm.options.region == "ap-shanghai"
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS, "--strict-markers")
    result.assert_outcomes(passed=3)


def test_bad_options_are_named_with_what_is_valid(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.mockcvm(transition="immediate")
        def test_misspelt_option(cvm):
            pass


        @pytest.mark.mockcvm(transitions="fast")
        def test_bad_value(cvm):
            pass


        @pytest.mark.mockcvm("immediate")
        def test_positional(cvm):
            pass


        @pytest.mark.mockcvm(clock_start="2026-01-05T04:00:00Z")
        def test_clock_start_without_clock(cvm):
            pass
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS)
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_misspelt_option _*",
            f"@pytest.mark.mockcvm got unknown option(s) transition. The options are: {OPTIONS}",
            "*_ ERROR at setup of test_bad_value _*",
            "mockcvm option transitions='fast' from @pytest.mark.mockcvm: "
            "transitions='fast': use one of default, immediate, manual",
            "*_ ERROR at setup of test_positional _*",
            "@pytest.mark.mockcvm takes options by name only, got positional ('immediate',); "
            'write e.g. @pytest.mark.mockcvm(transitions="immediate"). '
            f"The options are: {OPTIONS}",
            "*_ ERROR at setup of test_clock_start_without_clock _*",
            "@pytest.mark.mockcvm(clock_start=...) sets where cvm_clock starts, but this test does not use "
            "cvm_clock; add cvm_clock to the test's arguments (or drop clock_start)",
        ]
    )


def test_bad_ini_values_are_named(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        mockcvm_region = mars-1
        """
    )
    pytester.makepyfile("def test_uses_cvm(cvm):\n    pass\n")
    result = pytester.runpytest(*RUN_ARGS)  # in-process: nothing gets patched
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["mockcvm option region='mars-1' from ini option mockcvm_region: region 'mars-1' is not a region *"]
    )
    pytester.makeini("[pytest]\nmockcvm_strict = maybe\n")
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["ini option mockcvm_strict = 'maybe': write true or false"])
