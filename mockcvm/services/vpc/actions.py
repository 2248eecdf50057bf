"""Vpc handlers."""
