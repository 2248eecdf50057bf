"""The cvm service."""
