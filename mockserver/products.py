"""The products this mock can serve, by API name, and the one place their bindings are built.

Each product turns a running mock's state into its :class:`~mockserver.dialects.ApiBinding`; the serving layer
(:func:`mockserver.app.create_app`) hands :func:`bindings` to the state. A product is imported only when its
API is served.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dialects import ApiBinding
    from .state import MockState


def _torrent(state: MockState) -> ApiBinding:
    from .torrent import create

    return create(state)


def _hub(state: MockState) -> ApiBinding:
    from .hub import create

    return create(state)


PRODUCTS: dict[str, Callable[[MockState], ApiBinding]] = {"torrent": _torrent, "hub": _hub}


def bindings(state: MockState) -> dict[str, ApiBinding]:
    """One binding per API the settings serve, in their order."""
    return {api: PRODUCTS[api](state) for api in state.settings.apis}
