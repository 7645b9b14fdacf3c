"""The PKI of the Hub: the certificate lifetime and self-signed site certificates (H105, H118).
Rules: docs/behaviour/hub.md."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ..dialects.drf.call import Call
from ..dialects.drf.http import require_object
from ..dialects.drf.product import Hooks
from ..dialects.drf.serializers import clean_body
from ..dialects.drf.world import Row
from ..errors import ApiError
from . import HUB, HubReply
from .estate import seeded


@HUB.resource("pki/lifetime")
class Lifetimes(Hooks):
    def prepare(self, call: Call, cleaned: dict[str, Any], existing: Row | None) -> dict[str, Any]:
        return {**cleaned, "updated_at": call.world.now_text(), "updated_by": (call.user or {}).get("id")}


@HUB.operation("pki_site_create")
def site_certificate(call: Call) -> HubReply:
    """A self-signed certificate for a site, valid for the current lifetime (H105); deterministic (H118)."""
    # cryptography is imported here: only this operation needs it, and it is slow to import.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cleaned = clean_body(call.world, "pki/site", call.op.request, require_object(call.body))
    site = call.world.find("sites", "name", cleaned["site"])
    if site is None:
        raise ApiError(400, {"site": [f"Object with name={cleaned['site']} does not exist."]})
    lifetime = (call.world.head("pki/lifetime") or {}).get("days") or 365
    rng = seeded(call, "certificate", site["name"], call.world.now_text())
    key = ec.derive_private_key(rng.randrange(1, 2**255), ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, site["name"])])
    now = call.world.now().replace(microsecond=0)
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)  # X.509's last date: a longer lifetime ends there
    expires = now + timedelta(days=lifetime) if lifetime < (last - now).days else last
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(rng.randrange(1, 2**63)).not_valid_before(now)
                   .not_valid_after(expires)
                   .sign(key, hashes.SHA256(), ecdsa_deterministic=True))
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    return HubReply(201, {"site": site["name"], "certificate": pem})
