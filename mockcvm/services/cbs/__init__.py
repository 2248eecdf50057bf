"""The cbs service."""
