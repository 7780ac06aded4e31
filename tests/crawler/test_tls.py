"""TLS certificates are verified: a crawl and a citizen report both refuse an https site whose
certificate no trusted CA signed, and both accept it once its CA is trusted (`SSL_CERT_FILE`), which
shows the refusal is the verification and not a broken test server."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from crawler.cli import main
from review.models import Item, Source

ARTICLE = ("<html><head><title>Thông báo lịch tiếp dân tháng 6</title></head><body><article>"
           "<h1>Thông báo lịch tiếp dân tháng 6</h1>"
           + "<p>Ủy ban nhân dân phường thông báo lịch tiếp công dân định kỳ trong tháng sáu.</p>" * 8
           + "</article></body></html>")


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1, signed by a throwaway CA."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("canhgac test CA")).issuer_name(_name("canhgac test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@dataclass
class TlsSite:
    base_url: str
    ca_file: Path
    paths: list[str] = field(default_factory=list)  # HTTP requests that got past the handshake


@pytest.fixture
def tls_site(tmp_path: Path) -> Iterator[TlsSite]:
    ca_file, cert_file, key_file = make_certificates(tmp_path)
    site = TlsSite("", ca_file)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet in tests
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            site.paths.append(self.path)
            if self.path == "/sitemap.xml":
                body, ctype = (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
                               f'schemas/sitemap/0.9"><url><loc>{site.base_url}/bai/tiep-dan.html</loc></url>'
                               f'</urlset>').encode(), "application/xml"
            elif self.path == "/bai/tiep-dan.html":
                body, ctype = ARTICLE.encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client refusing the certificate aborts the handshake: expected here

    server = Server(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_file, key_file)
    # The handshake happens in the request thread, so a client that refuses it cannot stall the server.
    server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    site.base_url = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _source(site: TlsSite) -> str:
    return f'\n[[sources]]\nname = "tls-portal"\nkind = "sitemap"\nurls = ["{site.base_url}/sitemap.xml"]\n'


def test_crawl_refuses_an_untrusted_certificate_and_accepts_a_trusted_one(
        crawl_env, tls_site: TlsSite, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    crawl_env.configure(_source(tls_site), demo=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # certifi's bundle: does not know the test CA
    refused = crawl_env.run("tls-portal")
    assert not refused.ok and refused.items_new == 0
    assert "certificate verify failed" in refused.message.lower(), refused.message
    assert tls_site.paths == []  # not one HTTP request was sent over the unverified connection
    with crawl_env.store.session() as s:
        source = s.scalar(select(Source).where(Source.name == "tls-portal"))
        assert source is not None and source.consecutive_failures == 1
        assert "certificate verify failed" in (source.last_error or "").lower()
        assert s.scalar(select(Item)) is None

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_site.ca_file))  # the admin trusts the CA
    trusted = crawl_env.run("tls-portal")
    assert trusted.ok and trusted.items_new == 1, trusted.message
    assert "/bai/tiep-dan.html" in tls_site.paths


def test_report_refuses_an_untrusted_certificate_and_accepts_a_trusted_one(
        crawl_env, tls_site: TlsSite, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure('\n[classifier]\nmodel = "no-model-here.skops"\n', demo=False))
    url = tls_site.base_url + "/bai/tiep-dan.html"
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    assert main(["--config", cfg, "report", url]) == 1
    assert "CERTIFICATE_VERIFY_FAILED" in capsys.readouterr().err
    assert tls_site.paths == []
    with crawl_env.store.session() as s:
        assert s.scalar(select(Item)) is None

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_site.ca_file))
    assert main(["--config", cfg, "report", url]) == 0, capsys.readouterr().err
    with crawl_env.store.session() as s:
        assert [i.title for i in s.scalars(select(Item))] == ["Thông báo lịch tiếp dân tháng 6"]
