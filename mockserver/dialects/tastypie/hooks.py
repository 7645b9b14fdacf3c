"""What a product built on this dialect registers: its name and prefix, its accounts, the authentication
schemes beyond tastypie's own, who may write what, how its object-typed fields are stored, and per-resource
behaviour beyond the field tables.

The dialect knows tastypie's conventions only; everything a vendor built on top of tastypie lives in the
product (for Torrent Suite: :mod:`mockserver.torrent`), which hands a :class:`Product` to
:class:`~.api.TastypieApi`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .request import Query

Row = dict[str, Any]


class Account(Protocol):
    """A user as tastypie's Basic and ApiKey authentication read it."""

    username: str
    password: str
    api_key: str


# (scheme, credential) of the Authorization header (lower-case scheme; both "" without one), the query and the
# accounts by name → the authenticated account, or None. Tried after Basic and ApiKey, in order.
Authenticator = Callable[[str, str, Query, Mapping[str, Any]], Any]


class Behaviour:
    """Hooks the generic CRUD path calls for every resource; the defaults do nothing."""

    def represent(self, row: Row, obj: dict[str, Any]) -> None:
        """Adjust the generic representation of a stored row (in place)."""

    def from_api(self, obj: dict[str, Any], row: Row) -> None:
        """Take what the generic conversion skips from an API-representation object (seeds, admin records).
        ValueError(message naming the field) for a bad value."""

    def on_create(self, row: Row) -> None:
        """Fill what a client cannot set on a created row (in place)."""

    def on_update(self, old: Row, new: Row, now: str) -> None:
        """Side effects of changing an existing row (in place on ``new``)."""


class ObjectField(Protocol):
    """How the product stores a field the contract types as an object (tastypie itself has no such column: the
    product's model field decides the stored form and the rendering)."""

    def coerce(self, name: str, value: Any) -> Any:
        """A non-null body value (fractional numbers as Decimal) → stored form; FieldError naming the field."""

    def render(self, stored: Any) -> Any:
        """Stored form (None included) → the rendered value."""

    def store(self, rendered: Any) -> Any:
        """A non-null rendered value (seed data) → stored form; ValueError or TypeError when it cannot be."""


@dataclass(frozen=True)
class Product:
    api: str  # the contract's name (mockserver/openapi/<api>.json) and the store's table prefix
    prefix: str  # the URL prefix every route sits under, e.g. "/rundb/api/v1"
    realm: str  # Basic authentication's realm (WWW-Authenticate)
    users: tuple[Account, ...]
    # DjangoAuthorization: may this account add, change and delete rows of this Django model?
    may_write: Callable[[Any, str], bool]
    object_field: ObjectField | None = None  # required when the contract has object-typed fields
    behaviours: Mapping[str, Behaviour] = field(default_factory=dict)  # resource name → its hooks
    authenticators: tuple[Authenticator, ...] = ()
    # Every list's default order ([field, descending] pairs) when the product's version sets one; None: each
    # resource's own (x-resources default_order).
    default_order: tuple[tuple[str, bool], ...] | None = None
    # A loopback request that no Basic credentials log in acts as this account (TS's LocalhostAuthMiddleware,
    # T10); None: off.
    localhost_user: str | None = None
