"""The dialect's resource rules and its own operations; importing this package registers them all."""
from . import accounts, automation, estate  # noqa: F401
