"""The Hub's verification of the credentials the DRF dialect reads from ``Authorization`` (D5–D7, H18–H22):
simplejwt access tokens of this mock's epoch, and djangorestframework-api-key client keys.
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..dialects.drf import authentication as auth
from ..dialects.drf.authentication import Principal
from . import credentials, tokens

if TYPE_CHECKING:
    from ..state import MockState

Row = dict[str, Any]


class HubAuthenticator:
    def access_claims(self, token: str, state: MockState) -> dict[str, Any]:
        return tokens.validate(token, state, tokens.ACCESS)

    def user(self, user_id: Any, state: MockState) -> Row | None:
        return credentials.user_by_id(state, user_id, shared=True)  # the caller, read: never changed

    def client_key(self, key: str, state: MockState) -> Row | None:
        return credentials.verify_client_key(key, state)

    def reset(self, state: MockState) -> None:
        """After an admin reset, tokens issued before it stop working. Client keys need nothing: they live in
        the store, which the reset returns to the seed."""
        tokens.new_epoch(state)


AUTHENTICATOR = HubAuthenticator()


def authenticate(headers: Mapping[str, str], state: MockState) -> Principal | None:
    """The Hub's caller as the dialect finds it (see ``dialects.drf.authentication.authenticate``)."""
    return auth.authenticate(headers, state, AUTHENTICATOR)


def reset(state: MockState) -> None:
    AUTHENTICATOR.reset(state)
