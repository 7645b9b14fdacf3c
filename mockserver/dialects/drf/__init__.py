"""The Django REST framework dialect: serves the Ngenea Hub API at ``/api/`` from its contract."""
from __future__ import annotations

from .api import DrfApi


def create(state) -> DrfApi:
    return DrfApi(state)
