"""Moved to :mod:`mockserver.admin_client` (the module holds a client of the admin API). Kept for one release."""
import warnings

from .admin_client import AdminError, AppTransport, HttpTransport, MockHandle

warnings.warn("mockserver.handle is deprecated: import MockHandle and AdminError from mockserver "
              "(or mockserver.admin_client)", DeprecationWarning, stacklevel=2)

__all__ = ["AdminError", "AppTransport", "HttpTransport", "MockHandle"]
