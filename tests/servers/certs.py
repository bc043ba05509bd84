"""A throw-away certificate authority for loopback and lab TLS servers.

Made with ``cryptography`` at test time (EC P-256, quick to generate), never committed. The
CA's PEM is what a test Check passes as ``ca_file`` so the probe trusts it for that entry only.
A directory can be reused: ``TestCA.load_or_create(dir)`` keeps one CA for several servers
(the lab starts each server in its own process).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVICE_NAME = "service.test"  # the name test servers' good certificate is for
OTHER_NAME = "other.test"  # the name of the "wrong host" certificate


@dataclass(frozen=True)
class CertPair:
    cert_file: Path
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Connection Check tests"),
    ])


def _san(names: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def _validity(expired: bool) -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    if expired:
        return now - dt.timedelta(days=30), now - dt.timedelta(days=1)
    return now - dt.timedelta(hours=1), now + dt.timedelta(days=30)


class TestCA:
    """A CA that issues server certificates; ``ca_file`` is its PEM certificate."""

    __test__ = False  # not a pytest test class

    def __init__(self, directory: Path, key: ec.EllipticCurvePrivateKey,
                 cert: x509.Certificate) -> None:
        self.directory = directory
        self.key = key
        self.cert = cert
        self.ca_file = directory / "ca.pem"

    @classmethod
    def create(cls, directory: Path | str, common_name: str = "Connection Check Test CA"
               ) -> TestCA:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        start, end = _validity(False)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        ca = cls(directory, key, cert)
        ca.ca_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, directory / "ca.key")
        return ca

    @classmethod
    def load_or_create(cls, directory: Path | str) -> TestCA:
        directory = Path(directory)
        cert_path, key_path = directory / "ca.pem", directory / "ca.key"
        if cert_path.is_file() and key_path.is_file():
            key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            return cls(directory, key, cert)
        return cls.create(directory)

    def issue(self, stem: str, names: list[str], *, expired: bool = False) -> CertPair:
        """A leaf certificate for ``names`` (DNS names and/or IP addresses), signed by us."""
        key = ec.generate_private_key(ec.SECP256R1())
        start, end = _validity(expired)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(names[0]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_san(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return _write_pair(self.directory, stem, cert, key)


def self_signed(directory: Path | str, stem: str, names: list[str]) -> CertPair:
    """A certificate that vouches for itself: what a crude interception box presents."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = _validity(False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(_name(names[0]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(_san(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _write_pair(directory, stem, cert, key)


def _write_pair(directory: Path, stem: str, cert: x509.Certificate,
                key: ec.EllipticCurvePrivateKey) -> CertPair:
    pair = CertPair(directory / f"{stem}.pem", directory / f"{stem}.key")
    pair.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key, pair.key_file)
    return pair


@dataclass(frozen=True)
class TestPki:
    """Everything the standard TLS servers need, in one directory."""

    __test__ = False

    ca: TestCA
    good: CertPair  # SERVICE_NAME, localhost, 127.0.0.1, ::1 — signed by the CA
    wrong_host: CertPair  # OTHER_NAME only — signed by the CA
    self_signed: CertPair  # SERVICE_NAME, self-signed
    expired: CertPair  # SERVICE_NAME, signed by the CA, validity ended yesterday

    @property
    def ca_file(self) -> Path:
        return self.ca.ca_file


def make_test_pki(directory: Path | str, extra_names: tuple[str, ...] = ()) -> TestPki:
    """A CA (reused if ``directory`` already has one) and the standard leaf certificates."""
    ca = TestCA.load_or_create(directory)
    names = [SERVICE_NAME, "localhost", "127.0.0.1", "::1", *extra_names]
    return TestPki(
        ca=ca,
        good=ca.issue("good", names),
        wrong_host=ca.issue("wrong-host", [OTHER_NAME]),
        self_signed=self_signed(ca.directory, "self-signed", [SERVICE_NAME, "127.0.0.1"]),
        expired=ca.issue("expired", names, expired=True),
    )
