"""The django-tastypie dialect: serves a tastypie API from its contract, with the hooks a product registers.

A product builds its binding with ``TastypieApi(state, Product(...))``; see :mod:`.hooks` for what it registers.
"""
from __future__ import annotations

from .api import TastypieApi
from .hooks import Account, Authenticator, Behaviour, ObjectField, Product

__all__ = ["Account", "Authenticator", "Behaviour", "ObjectField", "Product", "TastypieApi"]
