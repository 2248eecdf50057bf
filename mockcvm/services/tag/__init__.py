"""The tag service."""
