"""Who is calling the Hub API (docs/behaviour/hub.md D5–D7, H18–H22, H24).

Two authenticators, in this order (H22 [chosen order]): simplejwt's ``JWTAuthentication`` (``Bearer <access>``,
the word case-sensitive) and a client-key authenticator with djangorestframework-api-key's header parser
(``Api-Key <prefix>.<secret>``, the word case-insensitive). A header neither recognises counts as no
credentials. Every refusal is a 401 carrying the first authenticator's ``WWW-Authenticate``.

This module reads the headers and answers in the libraries' words; whether a token or key is good is the
product's :class:`~.product.Authenticator`'s to say.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import ApiError

if TYPE_CHECKING:
    from ...state import MockState
    from .product import Authenticator

WWW_AUTHENTICATE = 'Bearer realm="api"'
API_KEY_KEYWORD = "api-key"

NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
BAD_HEADER = {"detail": "Authorization header must contain two space-delimited values",
              "code": "bad_authorization_header"}
USER_NOT_FOUND = {"detail": "User not found", "code": "user_not_found"}
USER_INACTIVE = {"detail": "User is inactive", "code": "user_inactive"}
NO_USER_CLAIM = {"detail": "Token contained no recognizable user identification", "code": "token_not_valid"}
INVALID_API_KEY = {"detail": "Invalid API key."}
ACCESS = "access"  # simplejwt's token type of AccessToken


class TokenError(Exception):
    """A token simplejwt would refuse; ``message`` is simplejwt's wording."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Principal:
    user: dict[str, Any]  # the stored user row
    client_key: dict[str, Any] | None = None  # the stored client key row, when the caller used one

    @property
    def is_staff(self) -> bool:
        """Staff or superuser: may write the staff-only routes (H25) and see every client key (H26)."""
        return bool(self.user.get("is_staff") or self.user.get("is_superuser"))


def unauthorized(body: dict[str, Any]) -> ApiError:
    return ApiError(401, body, headers={"WWW-Authenticate": WWW_AUTHENTICATE})


def authenticate(headers: Mapping[str, str], state: MockState, verify: Authenticator) -> Principal | None:
    """→ the caller, or None when the request carries no credentials either authenticator recognises (the
    dialect then answers H22); raises :func:`unauthorized` for credentials that are recognised but refused."""
    header = _authorization(headers)
    if not header:
        return None
    return _bearer(header, state, verify) or _api_key(header, state, verify)


def is_active(user: dict[str, Any]) -> bool:
    return bool(user.get("is_active", True))  # Django's default; null counts as inactive


def _authorization(headers: Mapping[str, str]) -> str | None:
    value = headers.get("Authorization")
    if value is None and not hasattr(headers, "getlist"):  # a plain dict: header names are case-insensitive
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    return value


def _bearer(header: str, state: MockState, verify: Authenticator) -> Principal | None:
    # simplejwt splits the header's bytes on ASCII whitespace.
    parts = header.encode("latin-1", "replace").split()
    if not parts or parts[0] != b"Bearer":
        return None
    if len(parts) != 2:
        raise unauthorized(BAD_HEADER)
    try:
        payload = verify.access_claims(parts[1].decode("latin-1"), state)
    except TokenError as exc:
        raise unauthorized({"detail": "Given token not valid for any token type", "code": "token_not_valid",
                            "messages": [{"token_class": "AccessToken", "token_type": ACCESS,
                                          "message": exc.message}]}) from None
    if "user_id" not in payload:
        raise unauthorized(NO_USER_CLAIM)
    user = verify.user(payload["user_id"], state)
    if user is None:
        raise unauthorized(USER_NOT_FOUND)
    if not is_active(user):
        raise unauthorized(USER_INACTIVE)
    return Principal(user)


def _api_key(header: str, state: MockState, verify: Authenticator) -> Principal | None:
    keyword, found, key = header.partition(" ")
    if not found or keyword.lower() != API_KEY_KEYWORD:
        return None
    row = verify.client_key(key, state)
    owner = verify.user(row.get("user"), state) if row else None
    if owner is None:  # a deleted owner takes their keys along
        raise unauthorized(INVALID_API_KEY)
    if not is_active(owner):
        raise unauthorized(USER_INACTIVE)
    return Principal(owner, row)
