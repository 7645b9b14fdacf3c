"""Hub JWTs as djangorestframework-simplejwt ≤ 5.4 issues and checks them (docs/behaviour/hub.md D4, H13–H17).

- RS256 with one key pair per process, or the PEM in ``Settings.hub_jwt_private_key``.
- Claims in simplejwt's order: ``token_type``, ``exp``, ``iat``, ``jti`` (32 hex), ``user_id``.
- Every time comes from the mock's clock: PyJWT checks the signature only, and this module checks ``exp``,
  ``iat`` and ``nbf`` against ``state.clock.now()``, so a test expires a token by advancing the clock.
- A token belongs to one epoch of one mock: its ``jti`` ends in a tag of the epoch, and :func:`new_epoch` (called
  when the mock is reset) makes every earlier token invalid. Not ``Store.generation``: a rolled-back
  ``Store.atomic()`` block bumps that too, and a failed request must not log everybody out.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ..dialects.drf.authentication import ACCESS, TokenError
from ..errors import MockServerError

if TYPE_CHECKING:
    from jwt.types import Options

    from ..state import MockState

ALGORITHM = "RS256"
REFRESH = "refresh"
TOKEN_TYPES = (ACCESS, REFRESH)

# simplejwt's TokenError messages (the API shows them verbatim).
INVALID = "Token is invalid or expired"
WRONG_TYPE = "Token has wrong type"
NO_TYPE = "Token has no type"
NO_ID = "Token has no id"

# The claims a refresh token does not pass on to the access tokens made from it (simplejwt ``no_copy_claims``).
_NO_COPY = ("token_type", "exp", "jti")
# PyJWT would check these against the wall clock; the mock's clock decides instead.
_DECODE_OPTIONS: Options = {"verify_exp": False, "verify_iat": False, "verify_nbf": False}


# -- keys ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    private_key: rsa.RSAPrivateKey
    public_key: rsa.RSAPublicKey
    public_pem: str  # SubjectPublicKeyInfo PEM, as GET auth/token/publickey/ shows it (H14)


_KEYS: dict[str | None, KeyPair] = {}
_KEYS_LOCK = threading.Lock()


def key_pair(state: MockState) -> KeyPair:
    """The configured key pair, or the one generated for this process (RSA generation takes ~0.1 s)."""
    pem = state.settings.hub_jwt_private_key
    if isinstance(pem, bytes):
        pem = pem.decode("ascii", "replace")
    with _KEYS_LOCK:
        pair = _KEYS.get(pem)
        if pair is None:
            pair = _KEYS[pem] = _pair(_load(pem) if pem else rsa.generate_private_key(65537, 2048))
        return pair


def _load(pem: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise MockServerError(f"hub_jwt_private_key: not an unencrypted PEM private key ({exc}); "
                              "give the text of a PKCS#8 or PKCS#1 RSA key, or leave it unset") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise MockServerError(f"hub_jwt_private_key: RS256 needs an RSA key, not {type(key).__name__}")
    return key


def _pair(private_key: rsa.RSAPrivateKey) -> KeyPair:
    public_key = private_key.public_key()
    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyPair(private_key, public_key, pem.decode("ascii"))


def public_key_pem(state: MockState) -> str:
    return key_pair(state).public_pem


# -- epochs ----------------------------------------------------------------------------------------------------

_EPOCHS: weakref.WeakKeyDictionary[MockState, str] = weakref.WeakKeyDictionary()
_EPOCHS_LOCK = threading.Lock()


def _epoch(state: MockState) -> str:
    with _EPOCHS_LOCK:
        return _EPOCHS.setdefault(state, secrets.token_hex(8))


def new_epoch(state: MockState) -> None:
    """Forget every token issued so far by this mock (admin reset)."""
    with _EPOCHS_LOCK:
        _EPOCHS[state] = secrets.token_hex(8)


def _tag(state: MockState, nonce: str) -> str:
    return hashlib.sha256(f"{_epoch(state)}:{nonce}".encode()).hexdigest()[:8]


def _new_jti(state: MockState) -> str:
    nonce = secrets.token_hex(12)
    return nonce + _tag(state, nonce)


def _of_this_epoch(state: MockState, jti: Any) -> bool:
    return (isinstance(jti, str) and len(jti) == 32
            and hmac.compare_digest(_tag(state, jti[:24]), jti[24:]))


# -- issuing ---------------------------------------------------------------------------------------------------


def _now(state: MockState) -> int:
    # simplejwt's datetime_to_epoch: whole seconds, rounded down.
    return int(state.clock.now().timestamp())


def _encode(payload: dict[str, Any], state: MockState) -> str:
    return jwt.encode(payload, key_pair(state).private_key, algorithm=ALGORITHM)


def obtain_pair(user: dict[str, Any], state: MockState) -> tuple[str, str]:
    """``RefreshToken.for_user(user)`` and its ``access_token`` → (refresh, access)."""
    now = _now(state)
    refresh = {"token_type": REFRESH, "exp": now + state.settings.refresh_token_seconds, "iat": now,
               "jti": _new_jti(state), "user_id": user["id"]}
    return _encode(refresh, state), access_from(refresh, state)


def access_from(refresh: dict[str, Any], state: MockState) -> str:
    """``RefreshToken.access_token``: a new type, exp and jti; every other claim copied (so ``iat`` is the
    refresh token's, as in simplejwt)."""
    now = _now(state)
    access = {"token_type": ACCESS, "exp": now + state.settings.access_token_seconds, "iat": now,
              "jti": _new_jti(state)}
    access.update((claim, value) for claim, value in refresh.items() if claim not in _NO_COPY)
    return _encode(access, state)


# -- checking --------------------------------------------------------------------------------------------------


def validate(raw: str, state: MockState, token_type: str) -> dict[str, Any]:
    """simplejwt's ``Token(raw)`` for the class of ``token_type`` → the payload; :class:`TokenError` otherwise.

    Order as simplejwt: signature and time claims (all "invalid or expired"), then ``jti``, then the type.
    """
    now = _now(state)
    payload = _verified(raw, key_pair(state), now)
    if not _times_valid(payload, now):
        raise TokenError(INVALID)
    if "exp" not in payload:
        raise TokenError("Token has no 'exp' claim")
    if "jti" not in payload:
        raise TokenError(NO_ID)
    if not _of_this_epoch(state, payload["jti"]):
        raise TokenError(INVALID)
    if "token_type" not in payload:
        raise TokenError(NO_TYPE)
    if payload["token_type"] != token_type:
        raise TokenError(WRONG_TYPE)
    return payload


_VERIFIED: dict[tuple[int, str], dict[str, Any]] = {}  # (key pair, token) → its payload, signature checked
_VERIFIED_LOCK = threading.Lock()
VERIFIED_LIMIT = 4096


def _verified(raw: str, pair: KeyPair, now: int) -> dict[str, Any]:
    """The token's payload once its signature is checked (RS256 verification is most of an authenticated
    request's cost; a client sends the same token again and again). The signature of a given token under a
    given key never changes, so the answer is kept; the time claims are still read on every call."""
    cache_key = (id(pair), raw)  # key pairs live as long as the process (_KEYS)
    with _VERIFIED_LOCK:
        payload = _VERIFIED.get(cache_key)
    if payload is None:
        try:
            payload = jwt.decode(raw, pair.public_key, algorithms=[ALGORITHM], options=_DECODE_OPTIONS)
        except jwt.InvalidTokenError:
            raise TokenError(INVALID) from None
        with _VERIFIED_LOCK:
            if len(_VERIFIED) >= VERIFIED_LIMIT:
                _evict(now)
            _VERIFIED[cache_key] = payload
    return dict(payload)  # claims are flat (the mock signs them); the caller may change its copy


def _evict(now: int) -> None:
    """Drop the tokens already expired on the mock's clock; if that frees too little, everything."""
    for cache_key in [k for k, payload in _VERIFIED.items() if not _before(payload.get("exp"), now)]:
        del _VERIFIED[cache_key]
    if len(_VERIFIED) >= VERIFIED_LIMIT // 2:
        _VERIFIED.clear()


def _before(exp: Any, now: int) -> bool:
    try:
        return int(exp) > now
    except (TypeError, ValueError, OverflowError):
        return False


def _times_valid(payload: dict[str, Any], now: int) -> bool:
    """PyJWT's exp/iat/nbf rules, read on the mock's clock: integers, and exp not reached, iat/nbf not ahead."""
    try:
        exp = int(payload["exp"]) if "exp" in payload else None
        iat = int(payload["iat"]) if "iat" in payload else None
        nbf = int(payload["nbf"]) if "nbf" in payload else None
    except (TypeError, ValueError, OverflowError):
        return False
    return not ((exp is not None and exp <= now) or (iat is not None and iat > now)
                or (nbf is not None and nbf > now))
