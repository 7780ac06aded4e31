"""STARTTLS with a certificate the client checks, and AUTH with the password from the environment."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from review.config import parse_config
from review.mailer import deliver_week
from review.store import Store
from tests.operate.seed import add_flagged
from tests.operate.smtp import Inbox, free_port
from tests.operate.test_digest_mail import EVIL, MONDAY, WEEK


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class _Auth:
    def __init__(self) -> None:
        self.logins: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=(data.login, data.password) == (b"canhgac", b"mat-khau-bi-mat"))


def test_starttls_and_auth(store: Store, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))  # verifies the certificate and the host
    inbox, auth, port = Inbox(), _Auth(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx, require_starttls=True,
                            authenticator=auth, auth_required=True)
    monkeypatch.setenv("CANHGAC_TEST_SMTP_PW", "mat-khau-bi-mat")
    cfg = parse_config(f"""
[database]
url = "{db_url}"
[smtp]
host = "127.0.0.1"
port = {port}
security = "starttls"
user = "canhgac"
password_env = "CANHGAC_TEST_SMTP_PW"
sender = "canhgac@so.example.vn"
timeout_s = 30
[digest]
recipients = ["vanhoa@so.example.vn"]
""")
    add_flagged(store, title=EVIL, category="scam", at=MONDAY)
    controller.start()
    try:
        untrusted = deliver_week(store, cfg, WEEK, now=MONDAY)  # the system CAs do not know this certificate
        report = deliver_week(store, cfg, WEEK, now=MONDAY + dt.timedelta(minutes=2),
                              tls_context=client_ctx)
    finally:
        controller.stop()
    assert untrusted.failed and "CERTIFICATE_VERIFY_FAILED" in untrusted.failed[0][1]
    assert report.sent == ("vanhoa@so.example.vn",)
    assert auth.logins == [("canhgac", "mat-khau-bi-mat")]
    assert len(inbox.messages) == 1
