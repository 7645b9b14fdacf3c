"""Hub credentials beyond CRUD: the token endpoints, password change and client key creation
(docs/behaviour/hub.md D4, D7, H11–H17, H101, H104). Listing, reading, editing and deleting users and client keys is
the dialect's generic CRUD.

The token endpoints' bodies are checked here with the serializers' own rules (DRF ``CharField``: required, not
null, not blank after trimming, a string or a number; ``ChoiceField`` for the verify ``type``): the dialect
leaves them to the product, because simplejwt checks them in its own order. The password change and a new
client key take what the dialect's validation of the contract's request schema made of the body (the same
rules: required, not null or blank, a string, trimmed, no longer than the contract's ``maxLength``).
"""
from __future__ import annotations

from typing import Any

from ..dialects.drf import authentication as auth
from ..engine import Collection
from ..errors import ApiError
from . import HubCall, HubReply, credentials, domain, tokens

MASK = "********"
NO_ACTIVE_ACCOUNT = {"detail": "No active account found with the given credentials"}
NO_ACTIVE_ACCOUNT_FOR_TOKEN = {"detail": "No active account found for the given token."}


@domain("auth_token_create")
def obtain_token_pair(call: HubCall) -> HubReply:
    """H11–H12, D7: an unknown user, a wrong password and an inactive user get the same answer."""
    data = _fields(call.body, {"username": _char, "password": _char})
    user = credentials.user_by_username(call.state, data["username"])
    if (user is None or not credentials.check_password(user, data["password"], call.state)
            or not credentials.is_active(user)):
        raise auth.unauthorized(NO_ACTIVE_ACCOUNT)
    refresh, access = tokens.obtain_pair(user, call.state)
    return HubReply(200, {"refresh": refresh, "access": access})


@domain("auth_token_refresh_create")
def refresh_token(call: HubCall) -> HubReply:
    """H15–H16: a new access token; the refresh token is neither rotated nor blacklisted."""
    data = _fields(call.body, {"refresh": _char})
    try:
        payload = tokens.validate(data["refresh"], call.state, tokens.REFRESH)
    except tokens.TokenError as exc:
        raise auth.unauthorized({"detail": exc.message, "code": "token_not_valid"}) from None
    if payload.get("user_id"):  # simplejwt checks the user only when the claim is there
        user = credentials.user_by_id(call.state, payload["user_id"])
        if user is None:
            raise auth.unauthorized(auth.USER_NOT_FOUND)
        if not credentials.is_active(user):
            raise auth.unauthorized(NO_ACTIVE_ACCOUNT_FOR_TOKEN)
    return HubReply(200, {"access": tokens.access_from(payload, call.state)})


@domain("auth_token_verify_create")
def verify_token(call: HubCall) -> HubReply:
    """H17, D4: 200 ``{}`` only for a valid, unexpired token of that type whose user exists and is active."""
    data = _fields(call.body, {"token": _char, "type": _choice(tokens.TOKEN_TYPES)})
    try:
        payload = tokens.validate(data["token"], call.state, data["type"])
    except tokens.TokenError:
        payload = None
    user = credentials.user_by_id(call.state, payload.get("user_id")) if payload else None
    if user is None or not credentials.is_active(user):
        raise auth.unauthorized({"detail": tokens.INVALID, "code": "token_not_valid"})
    return HubReply(200, {})


@domain("auth_token_publickey_retrieve")
def public_key(call: HubCall) -> HubReply:
    """H14: the PEM that verifies every token this mock issues."""
    return HubReply(200, {"public_key": tokens.public_key_pem(call.state)})


@domain("users_change_password_create")
def change_password(call: HubCall) -> HubReply:
    """H101: the caller's own password; tokens already issued stay valid."""
    data = call.body  # validated and trimmed by the dialect
    if call.user is None:  # the dialect authenticates this route; never change an unknown caller's password
        raise auth.unauthorized(auth.NOT_AUTHENTICATED)
    with call.state.store.lock:
        user = credentials.user_by_id(call.state, call.user["id"])
        if user is None or not credentials.check_password(user, data["old_password"], call.state):
            raise ApiError(400, {"old_password": ["Wrong password."]})
        call.state.store.put(credentials.USERS, user["id"], credentials.set_password(user, data["new_password"]))
    return HubReply(200, {"new_password": MASK, "old_password": MASK})


@domain("auth_clientkeys_create")
def create_client_key(call: HubCall) -> HubReply:
    """H104: 201 with the key, the only time it is shown; the store keeps its prefix and hash."""
    data = call.body  # validated and trimmed by the dialect (at most 50 characters)
    owner = call.user
    if owner is None:  # the dialect authenticates this route; refuse rather than store an ownerless key
        raise auth.unauthorized(auth.NOT_AUTHENTICATED)
    with call.state.store.lock:
        key, secret_fields = credentials.new_client_key(call.state)
        row = Collection(call.state.store, credentials.CLIENTKEYS).create(
            {"name": data["name"], "user": owner["id"], **secret_fields})
    url = f"{call.base_url}/auth/clientkeys/{row['id']}/"
    body = {"api_key": key, "id": row["id"], "name": row["name"], "url": url, "user": owner["username"]}
    return HubReply(201, body, {"Location": url})


# -- serializer fields -----------------------------------------------------------------------------------------

Field = Any  # value → (cleaned value, [error messages])


def _fields(body: Any, fields: dict[str, Field]) -> dict[str, Any]:
    """DRF ``Serializer.is_valid``: every field's errors at once, keyed in the fields' order → cleaned data."""
    if body is None:  # JSON null; the dialect hands over an empty body as {} (H40)
        raise ApiError(400, {"non_field_errors": ["No data provided"]})
    if not isinstance(body, dict):
        raise ApiError(400, {"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {type(body).__name__}."]})
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, field in fields.items():
        if name not in body:
            errors[name] = ["This field is required."]
        elif body[name] is None:
            errors[name] = ["This field may not be null."]
        else:
            value, messages = field(body[name])
            if messages:
                errors[name] = messages
            else:
                data[name] = value
    if errors:
        raise ApiError(400, errors)
    return data


def _char(value: Any) -> tuple[Any, list[str]]:
    """DRF ``CharField`` (``trim_whitespace``, no blank): numbers become their text."""
    if str(value).strip() == "":
        return None, ["This field may not be blank."]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, ["Not a valid string."]
    text = str(value).strip()
    messages = []
    if "\x00" in text:
        messages.append("Null characters are not allowed.")
    surrogate = next((ch for ch in text if 0xD800 <= ord(ch) <= 0xDFFF), None)
    if surrogate is not None:
        messages.append(f"Surrogate characters are not allowed: U+{ord(surrogate):X}.")
    return text, messages


def _choice(choices: tuple[str, ...]) -> Field:
    """DRF ``ChoiceField``: matched by the value's text; ``""`` is not a choice either."""

    def check(value: Any) -> tuple[Any, list[str]]:
        if str(value) in choices:
            return str(value), []
        return None, [f'"{value}" is not a valid choice.']

    return check
