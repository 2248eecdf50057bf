"""Tag handlers."""
