"""Helpers shared by the Hub domain modules: time on the mock's clock, seeded identifiers, DRF-shaped refusals,
and lookups of stored rows whose reference fields may hold an id, a name or an object.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, overload

from ..engine import Collection
from ..errors import ApiError

if TYPE_CHECKING:
    from ..state import MockState

Row = dict[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# -- time: integer microseconds keep the arithmetic of schedules exact ----------------------------------------


def now_us(state: MockState) -> int:
    return to_us(state.clock.now())


def to_us(instant: datetime) -> int:
    return (instant - EPOCH) // timedelta(microseconds=1)


def to_dt(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


@overload
def iso_z(us: int) -> str: ...
@overload
def iso_z(us: int | None) -> str | None: ...


def iso_z(us: int | None) -> str | None:
    """Model datetimes (H6): UTC with ``Z``, microseconds only when non-zero."""
    if us is None:
        return None
    return to_dt(us).replace(tzinfo=None).isoformat() + "Z"


def iso_offset(us: int) -> str:
    """Datetimes inside free JSON (a task's ``result``) keep ``+00:00``, as the published sample does."""
    return to_dt(us).isoformat()


def seconds(us: int | None) -> float | None:
    return None if us is None else us / 1_000_000


def parse_time(text: Any) -> int | None:
    try:
        instant = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return to_us(instant if instant.tzinfo else instant.replace(tzinfo=UTC))


def start_delay_us(state: MockState) -> int:
    """H77's start delay (``Settings.hub_job_start_delay``), in microseconds."""
    return int(float(state.settings.hub_job_start_delay) * 1_000_000)


def task_duration_us(state: MockState) -> int:
    """H77's task duration (``Settings.hub_task_duration``), in microseconds."""
    return int(float(state.settings.hub_task_duration) * 1_000_000)


# -- seeded randomness (H118): every generated value depends only on the seed and what it names ------------------


def rng(state: MockState, *names: Any) -> random.Random:
    return random.Random(":".join(str(n) for n in (state.settings.seed, *names)))


def new_uuid(generator: random.Random) -> str:
    return str(uuid.UUID(int=generator.getrandbits(128), version=4))


# -- refusals -------------------------------------------------------------------------------------------------


def not_found(model: str | None = None) -> ApiError:
    return ApiError(404, {"detail": f"No {model} matches the given query." if model else "Not found."})


def field_error(field: str, message: str, status: int = 400) -> ApiError:
    return ApiError(status, {field: [message]})


def choice_error(field: str, value: Any) -> ApiError:
    return field_error(field, f"Select a valid choice. {value} is not one of the available choices.")


# -- stored rows ----------------------------------------------------------------------------------------------


def table(state: MockState, resource: str) -> Collection:
    return Collection(state.store, f"hub/{resource}")


def rows(state: MockState, resource: str) -> list[Row]:
    return state.store.all(f"hub/{resource}")


def ref(state: MockState, resource: str, value: Any, key: str = "name") -> Row | None:
    """The row a stored reference points at, whatever form the dialect stored it in: an id, a name (``key``)
    or an object carrying either."""
    if isinstance(value, dict):
        return ref(state, resource, value.get("id")) or ref(state, resource, value.get(key), key)
    if isinstance(value, int) and not isinstance(value, bool):
        return state.store.get(f"hub/{resource}", value)
    if isinstance(value, str) and value:
        return table(state, resource).find(key, value)
    return None


def ref_name(state: MockState, resource: str, value: Any) -> str | None:
    if isinstance(value, str):
        return value
    row = ref(state, resource, value)
    return row.get("name") if row else None


def detail_row(state: MockState, resource: str, raw_id: str | None, model: str) -> Row:
    """A detail route's row (H64): a non-integer id → ``Not found.``, a missing one → ``No <Model> …``."""
    try:
        pk = int(raw_id or "")  # none given: not an integer either
    except (TypeError, ValueError):
        raise not_found() from None
    row = state.store.get(f"hub/{resource}", pk)
    if row is None:
        raise not_found(model)
    return row


def configuration(state: MockState, key: str, default: Any) -> Any:
    config = rows(state, "configurations")
    value = config[0].get(key) if config else None
    return default if value is None else value

