"""Tests of the pytest plugin, run as a user runs pytest (``pytester``, in a subprocess)."""

#: Arguments of every pytester run: no cache files, and none of the unrelated plugins of this environment
#: (hypothesis alone costs seconds per subprocess when bytecode is not cached).
RUN_ARGS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:anyio")
