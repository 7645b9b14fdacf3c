"""The mock's pages for people, under ``/__mock__/``: a dashboard of the admin API and the contracts' API docs.

The pages are static HTML, CSS and plain JavaScript shipped with the package (no CDN, no build step); they read
and drive the mock through the same admin API as any client. :mod:`.pages` serves them, :mod:`.openapi` serves
the contracts as documents a browser can try out against this mock, :mod:`.timeline` lays out the Hub's jobs.
"""
from __future__ import annotations

from .pages import blueprint

__all__ = ["blueprint"]
