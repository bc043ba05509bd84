"""Certificates for the lab: a trusted lab CA, and a second CA the app must NOT trust.

The trusted CA is named in the lab catalog as ``extra_ca``; the untrusted one signs the
certificate of an "intercepted" host, the way a middlebox or antivirus re-signs TLS.
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


@dataclass(frozen=True)
class LabPki:
    """Paths of the PEM files a lab run needs."""

    ca_cert: Path  # trusted: the catalog's extra_ca
    server_cert: Path  # every lab host name and address, signed by the trusted CA
    server_key: Path
    rogue_cert: Path  # the same names, signed by an untrusted CA (interception)
    rogue_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _ca(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, names: list[str],
          addresses: list[str]) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    sans += [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("lab server"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | None) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        key_path = path.with_suffix(".key")
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def make_pki(out_dir: Path, names: list[str], addresses: list[str]) -> LabPki:
    """Write a trusted CA, a server certificate for ``names``/``addresses``, and a rogue copy."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _ca("Connection Check lab CA")
    rogue_ca_key, rogue_ca_cert = _ca("Untrusted interception CA")
    key, cert = _leaf(ca_key, ca_cert, names, addresses)
    rkey, rcert = _leaf(rogue_ca_key, rogue_ca_cert, names, addresses)
    pki = LabPki(
        ca_cert=out_dir / "lab-ca.pem",
        server_cert=out_dir / "server.pem",
        server_key=out_dir / "server.key",
        rogue_cert=out_dir / "rogue.pem",
        rogue_key=out_dir / "rogue.key",
    )
    _write(pki.ca_cert, ca_cert, None)
    _write(pki.server_cert, cert, key)
    _write(pki.rogue_cert, rcert, rkey)
    # A block page's own certificate: trusted (the lab CA), but only for its own name. A
    # resolver that sends a service's name there makes the handshake fail with "wrong name".
    bkey, bcert = _leaf(ca_key, ca_cert, [BLOCKPAGE_NAME], [])
    _write(blockpage_cert(pki.server_cert), bcert, bkey)
    return pki


BLOCKPAGE_NAME = "blockpage.lab"


def blockpage_cert(server_cert: str | Path) -> Path:
    """Where the block page's certificate (and, with .key, its key) lives: beside the server's."""
    return Path(server_cert).with_name("blockpage.pem")
