"""The vpc service."""
