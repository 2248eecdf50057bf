"""pytest fixtures for mockcvm."""
