"""The django-tastypie dialect: serves the Torrent Suite rundb API v1 from its contract."""
from __future__ import annotations

from .api import TastypieApi


def create(state) -> TastypieApi:
    return TastypieApi(state)
