"""What a product built on the DRF dialect registers, and the dialect reads: operation handlers by
operationId, per-resource rules of the generic CRUD path (:class:`Hooks`), fields computed when a row is
rendered, the authenticator that verifies credentials, and the resources whose rows the product's own
handlers keep. The views never test a resource's name: a resource without hooks is plain CRUD.
Rules: docs/behaviour/hub.md.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .results import Handler

if TYPE_CHECKING:
    from ...state import MockState
    from .. import Scenarios
    from .call import Call
    from .world import World

Row = dict[str, Any]


class Hooks:
    # Stored fields a create sets when the body leaves them out, beyond the contract's ``default``s (they win).
    defaults: dict[str, Any] = {}
    # Stored-only fields every seeded row gets.
    seeded: dict[str, Any] = {}
    # (stored table, field) rows a delete also takes, beyond the contract's ``cascade`` (tables no resource).
    cascades: tuple[tuple[str, str], ...] = ()

    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        """Validated fields → the stored changes (``existing`` is None on create)."""
        return cleaned

    def created(self, call: Call, row: Row) -> None:
        """Side effects of a create (a site's default queue …)."""

    def updating(self, call: Call, row: Row) -> None:
        """Refuse an update by raising ApiError (an immutable space …)."""

    def deleting(self, call: Call, row: Row) -> None:
        """Refuse a delete by raising ApiError, or clean up before it."""

    def visible(self, call: Call, row: Row) -> bool:
        """Whether the caller may see this row at all (client keys are private: H26)."""
        return True


DEFAULT = Hooks()


class Authenticator(Protocol):
    """The product's verification of the credentials the dialect reads from ``Authorization`` (see ``auth``)."""

    def access_claims(self, token: str, state: MockState) -> dict[str, Any]:
        """The claims of a valid access token; raises ``auth.TokenError`` with the library's message."""

    def user(self, user_id: Any, state: MockState) -> Row | None:
        """The stored user row a token's ``user_id`` claim names."""

    def client_key(self, key: str, state: MockState) -> Row | None:
        """The stored row of a client key (``{"user": <owner id>, …}``), None for an unknown one."""

    def reset(self, state: MockState) -> None:
        """Forget what was issued before an admin reset."""


Computed = Callable[["World", Row], Any]


class Product:
    def __init__(self, name: str):
        self.name = name
        self.handlers: dict[str, Callable[[Call], Any]] = {}  # operations served with the dialect's Call
        self.domain_handlers: dict[str, Handler] = {}  # operations served with an OperationCall, body validated
        self.hooks: dict[str, Hooks] = {}
        self.computed: dict[str, dict[str, Computed]] = {}  # resource → field → value when rendered
        self.authenticator: Authenticator | None = None
        self.simulated: tuple[str, ...] = ()  # resources whose rows the domain handlers keep and look up
        self.extra_tables: tuple[str, ...] = ()  # stored tables that are no resource of the contract
        self.not_stored: tuple[str, ...] = ()  # resources derived when read: admin records cannot insert them
        self.seeding: Callable[[dict[str, list[Row]], Any], None] = lambda tables, settings: None
        # The product's failure scenarios for the admin API (``ApiBinding.scenarios``), made per running mock.
        self.scenarios: Callable[[MockState], Scenarios] | None = None
        # The renderer's field plans, made on first use (they depend only on the contract and ``computed``).
        self.render_plans: dict[tuple[str, int, str], tuple[Any, list[Any]]] = {}

    def resource(self, name: str) -> Callable[[type[Hooks]], type[Hooks]]:
        """Class decorator: the rules of one resource."""

        def add(cls: type[Hooks]) -> type[Hooks]:
            self.hooks[name] = cls()
            return cls

        return add

    def hooks_for(self, resource: str | None) -> Hooks:
        return self.hooks.get(resource or "", DEFAULT)

    def operation(self, *op_ids: str) -> Callable[[Callable[[Call], Any]], Callable[[Call], Any]]:
        """A handler that takes the dialect's :class:`~.call.Call` (the world, renderer, looked-up object)."""

        def add(handler: Callable[[Call], Any]) -> Callable[[Call], Any]:
            for op_id in op_ids:
                self.handlers[op_id] = handler
            return handler

        return add

    def domain(self, *op_ids: str) -> Callable[[Handler], Handler]:
        """A handler that takes an :class:`~.results.OperationCall` and looks its rows up itself."""

        def add(handler: Handler) -> Handler:
            for op_id in op_ids:
                self.domain_handlers[op_id] = handler
            return handler

        return add

    def computes(self, resource: str, fields: dict[str, Computed]) -> None:
        self.computed.setdefault(resource, {}).update(fields)
