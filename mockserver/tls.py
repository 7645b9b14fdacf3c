"""HTTPS for the mock: the server's ``ssl.SSLContext``, from the user's certificate or one made at start.

``--tls`` makes a throw-away certificate authority and a server certificate it signs, valid for the bound host,
``localhost``, ``127.0.0.1``, ``::1`` and every ``--allowed-host``; the CA certificate (never its key) is written
to a file for clients to trust (``requests.get(url, verify=ca_file)``), the server's key stays in memory and in
a file only the user can read for the instant ``ssl`` loads it. ``--tls-cert FILE --tls-key FILE`` serves a
certificate the user already has. Keys are ECDSA P-256: made in a millisecond, and the handshake is cheap.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import MockServerError
from .hostnames import every_interface, machine_names

VALID_DAYS = 30


@dataclass(frozen=True)
class ServerTLS:
    context: ssl.SSLContext
    ca_file: Path | None  # the CA certificate clients trust: written for --tls, given with --tls-ca otherwise
    made: bool  # True: the certificate was made at start (--tls)
    scratch: Path | None = None  # a directory made for the CA file, removed when the server stops
    names: tuple[str, ...] = ()  # the names and addresses a certificate made at start is for


def server_tls(settings) -> ServerTLS | None:
    """The TLS set-up ``settings`` ask for, or None (plain HTTP)."""
    if settings.tls_cert or settings.tls_key:
        if not (settings.tls_cert and settings.tls_key):
            raise MockServerError("--tls-cert and --tls-key go together: the certificate (PEM) and its private key")
        return ServerTLS(_context(Path(settings.tls_cert), Path(settings.tls_key)),
                         Path(settings.tls_ca) if settings.tls_ca else None, made=False)
    if not settings.tls:
        return None
    names = _names(settings.host, settings.allowed_hosts)
    ca_pem, cert_pem, key_pem = make_certificates(names)
    scratch = None if settings.tls_ca else Path(tempfile.mkdtemp(prefix="mockserver-tls-"))
    ca_file = Path(settings.tls_ca) if scratch is None else scratch / "ca.pem"
    try:
        ca_file.parent.mkdir(parents=True, exist_ok=True)
        ca_file.write_bytes(ca_pem)
    except OSError as exc:
        raise MockServerError(f"cannot write the CA certificate to {ca_file}: {exc.strerror or exc}") from None
    with tempfile.TemporaryDirectory(prefix="mockserver-key-") as keys:  # made 0700: only the user reads it
        cert_file, key_file = Path(keys) / "cert.pem", Path(keys) / "key.pem"
        cert_file.write_bytes(cert_pem + ca_pem)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key_pem)
        context = _context(cert_file, key_file)
    return ServerTLS(context, ca_file, made=True, scratch=scratch, names=tuple(names))


def _context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_RENEGOTIATION
    context.set_alpn_protocols(["http/1.1"])
    try:
        context.load_cert_chain(cert_file, key_file)
    except (OSError, ssl.SSLError) as exc:
        raise MockServerError(f"cannot load the TLS certificate {cert_file} with the key {key_file}: "
                              f"{getattr(exc, 'strerror', None) or exc}") from None
    return context


def _names(host: str, allowed_hosts: tuple[str, ...]) -> list[str]:
    names = ["localhost", "127.0.0.1", "::1"]
    # Bound to every interface, other machines come by this one's name or addresses
    everywhere = machine_names() if every_interface(host) else ()
    for name in (host, *everywhere, *allowed_hosts):
        name = name.strip("[]").lower()
        if name and name not in names and not every_interface(name):  # no address a client connects to
            names.append(name)
    return names


def make_certificates(names: list[str]) -> tuple[bytes, bytes, bytes]:
    """A CA and a server certificate it signs for ``names`` (DNS names or IP addresses) → PEM of the CA
    certificate, the server certificate and the server's private key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=VALID_DAYS)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mockserver local CA"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "mockserver")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))
    alt_names: list[x509.GeneralName] = []
    for name in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt_names.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return ca.public_bytes(pem), cert.public_bytes(pem), key_pem


class TLSConnection:
    """One client's TLS session, over memory buffers rather than an ``ssl.SSLSocket``.

    waitress reads a connection on its event-loop thread and writes it from the worker answering the request
    as well; OpenSSL does not allow one session to be used by two threads at once, and a wrapped socket would
    also hide decrypted bytes from ``poll`` and insist that a blocked write is retried with the same buffer.
    Here the socket stays a plain one: raw bytes go in through :meth:`receive`, answers through :meth:`send`,
    every use of the session under one lock, and encrypted bytes the socket could not take yet wait in
    ``pending`` (the channel stays writable until they are out).
    """

    def __init__(self, context: ssl.SSLContext, sock):
        self._in, self._out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._session = context.wrap_bio(self._in, self._out, server_side=True)
        self._sock = sock
        self._lock = threading.Lock()
        self.pending = bytearray()
        self.established = False

    def receive(self, raw: bytes) -> bytes:
        """The plain bytes in ``raw`` (none while the handshake goes on). Raises ``ssl.SSLError`` on a broken
        handshake or record, ``EOFError`` when the client closed its session."""
        with self._lock:
            self._in.write(raw)
            if not self.established:
                try:
                    self._session.do_handshake()
                    self.established = True
                except ssl.SSLWantReadError:
                    self._flush()
                    return b""
            chunks = []
            while True:
                try:
                    chunk = self._session.read(65536)
                except ssl.SSLWantReadError:
                    break
                except ssl.SSLZeroReturnError:
                    raise EOFError("the client closed its TLS session") from None
                if not chunk:
                    raise EOFError("the client closed its TLS session")
                chunks.append(chunk)
            self._flush()  # a TLS 1.3 session ticket after the handshake, or an alert
            return b"".join(chunks)

    def send(self, data: bytes) -> int:
        """Encrypt and send ``data`` → how many of its bytes were taken (all, or none while the socket is still
        full of earlier ones)."""
        with self._lock:
            if not self._flush():
                return 0
            self._session.write(data)
            self._flush()
            return len(data)

    def flush(self) -> bool:
        """Send what waits; True when nothing is left."""
        with self._lock:
            return self._flush()

    def _flush(self) -> bool:
        if self._out.pending:
            self.pending += self._out.read()
        while self.pending:
            try:
                sent = self._sock.send(self.pending)
            except (BlockingIOError, InterruptedError):
                return False
            del self.pending[:sent]
        return True
