"""pytest plugin for mockcvm (fixtures and marker)."""
