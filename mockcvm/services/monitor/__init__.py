"""The monitor service (Cloud Monitor, 2018-07-24): metric series the test sets, read with GetMonitorData."""
