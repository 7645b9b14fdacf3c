"""mockserver: a high-fidelity mock of the Ion Torrent Suite rundb API v1 and the Ngenea Hub API.

The public names are imported on first use, so that ``import mockserver`` (which pytest does for the plugin in
every session) stays cheap:

- :class:`MockServer`: the mock on a real port, in a thread (``with MockServer(Settings()) as mock: …``);
- :class:`MockHandle`: a client of a running mock's ``/__mock__/`` controls;
- :class:`Settings`: every serve option;
- :class:`Error`: the root of every exception the package raises (:class:`MockServerError`, :class:`AdminError`, …).
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "MockServer": "mockserver.server",
    "MockHandle": "mockserver.admin_client",
    "AdminError": "mockserver.admin_client",
    "Settings": "mockserver.config",
    "Error": "mockserver.errors",
    "MockServerError": "mockserver.errors",
}

__all__ = ["AdminError", "Error", "MockHandle", "MockServer", "MockServerError", "Settings", "__version__"]

if TYPE_CHECKING:
    from .admin_client import AdminError, MockHandle
    from .config import Settings
    from .errors import Error, MockServerError
    from .server import MockServer


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
