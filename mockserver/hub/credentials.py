"""Hub credentials in the store: user passwords and client keys (docs/behaviour/hub.md D5, D17, H11, H21, H100, H101,
H104).

Stored user rows (table ``hub/users``) may carry ``_password``, a Django-style PBKDF2 hash. A user without
one is a seeded user whose password is the mock's configuration (``Settings.hub_users``), so configuring other
passwords needs no new seed, and a reset brings the configured password back.

Client keys use the djangorestframework-api-key format ``<prefix 8>.<secret 32>`` (letters and digits).
A stored client key row (table ``hub/clientkeys``) is
``{"id", "name", "user": <owner's id>, "_prefix", "_hashed_key"}`` (references are stored as ids and rendered
as the owner's username): the library's SHA-512 hash of the whole key, never the secret. Fields starting with
``_`` are never rendered.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from typing import TYPE_CHECKING, Any

from ..dialects.drf import authentication as auth

if TYPE_CHECKING:
    from ..state import MockState

USERS = "hub/users"
CLIENTKEYS = "hub/clientkeys"

PASSWORD_ALGORITHM = "pbkdf2_sha256"
# Django's format, far below its 870000 rounds: the hash keeps raw passwords out of the store, snapshots and --db
# files of a mock that holds no real accounts, so its strength protects nothing, while every login and every user
# created pays for it (300 users took 2 s at 10000). 1000 is RFC 8018's floor. A stored hash carries its count,
# so hashes written with another count (10000 before) still verify.
PASSWORD_ITERATIONS = 1000
KEY_ALPHABET = string.ascii_letters + string.digits  # Django's get_random_string alphabet
PREFIX_LENGTH = 8
SECRET_LENGTH = 32

Row = dict[str, Any]


# -- users -----------------------------------------------------------------------------------------------------


def user_by_id(state: MockState, user_id: Any, shared: bool = False) -> Row | None:
    """The user; ``shared``: the stored row itself, for a caller that only reads it (see ``Store.get``)."""
    if isinstance(user_id, bool) or not isinstance(user_id, int | str) or not str(user_id).isdigit():
        return None
    return state.store.get(USERS, int(user_id), shared)


def user_by_username(state: MockState, username: str) -> Row | None:
    _, rows = state.store.select(USERS, lambda row: row.get("username") == username, None, 0, 1)
    return rows[0] if rows else None


is_active = auth.is_active


def _pbkdf2(raw: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", raw.encode("utf-8"), salt.encode("ascii"), iterations)
    return base64.b64encode(digest).decode("ascii")


def set_password(row: Row, raw: str) -> Row:
    """Store the hash of ``raw`` in ``row`` (the caller saves the row) → ``row``."""
    salt = secrets.token_hex(11)
    row["_password"] = f"{PASSWORD_ALGORITHM}${PASSWORD_ITERATIONS}${salt}${_pbkdf2(raw, salt, PASSWORD_ITERATIONS)}"
    return row


def check_password(row: Row, raw: str, state: MockState) -> bool:
    stored = row.get("_password")
    if stored is None:
        passwords: dict[Any, str] = {user.username: user.password for user in state.settings.hub_users}
        configured = passwords.get(row.get("username"))
        return configured is not None and hmac.compare_digest(configured.encode("utf-8"), raw.encode("utf-8"))
    try:
        algorithm, iterations, salt, digest = stored.split("$")
        expected = _pbkdf2(raw, salt, int(iterations))
    except (AttributeError, ValueError):
        return False  # not a hash this module wrote: no password opens it
    return algorithm == PASSWORD_ALGORITHM and hmac.compare_digest(expected, digest)


# -- client keys -----------------------------------------------------------------------------------------------


def _random_string(length: int) -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def hash_key(key: str) -> str:
    """djangorestframework-api-key's Sha512ApiKeyHasher: ``sha512$$<hex>``. The secret is random enough that a
    fast hash is safe."""
    return "sha512$$" + hashlib.sha512(key.encode("utf-8")).hexdigest()


def new_client_key(state: MockState) -> tuple[str, Row]:
    """→ (the key to show once, the fields to store with the key's row). Prefixes are unique, as in the library
    (call with ``state.store.lock`` held so that no other key takes the prefix before the row is stored)."""
    with state.store.lock:
        used = {row.get("_prefix") for row in state.store.all(CLIENTKEYS)}
        prefix = _random_string(PREFIX_LENGTH)
        while prefix in used:
            prefix = _random_string(PREFIX_LENGTH)
    key = f"{prefix}.{_random_string(SECRET_LENGTH)}"
    return key, {"_prefix": prefix, "_hashed_key": hash_key(key)}


def verify_client_key(key: str, state: MockState) -> Row | None:
    """The stored row of ``key``, or None for an unknown, revoked (deleted) or malformed key."""
    prefix = key.partition(".")[0]
    _, rows = state.store.select(CLIENTKEYS, lambda row: row.get("_prefix") == prefix, None, 0, 1)
    if rows and hmac.compare_digest(str(rows[0].get("_hashed_key", "")), hash_key(key)):
        return rows[0]
    return None
