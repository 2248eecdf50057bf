"""Adapters from HTTP client libraries to :func:`mockcvm.dispatch.handle`. Each is tiny: translate, call, translate."""
