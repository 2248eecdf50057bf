"""Cbs handlers."""
