"""The timeline: due events, applied in time order when the world catches up to now."""
