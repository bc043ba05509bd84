"""Signed catalog updates: the signature file, the rules a downloaded catalog must pass, and
where an accepted one is kept (docs/catalog.md "Updates").

The signature file (``<catalog>.sig``, next to the catalog on every mirror) is a short text:

    conncheck catalog signature 1
    key 3f1c0a9e5b7d2e44
    version 2026.12.01
    file default.toml 25602 <sha256 hex>
    file signal-ca.pem 2915 <sha256 hex>
    signature <base64 Ed25519 signature of every byte above this line>

The first ``file`` is the catalog, the others are the files it names (CA files). So the
signature covers the exact bytes of each, and the app checks the signature *before* it
downloads or parses anything else: an attacker's catalog is never even read.

Rules a download must pass before it replaces anything (:func:`accept`): a valid signature by
a built-in key; every file exactly as signed; the catalog's schema known and ``version`` the
signed one, date-like and strictly newer than the one in use (no rollback); sizes under the
caps below; it loads with the normal loader; the same sanity checks as the shipped catalog
(entry count, a full run fits the deadline, no private or lab address, no ``extra_ca``, no
``ordinary_ranges``: only a catalog the person chose with ``--catalog`` may declare those).

An accepted update is kept in ``<data folder>/catalog/`` (``$CONNCHECK_DATA_DIR`` or the
platform's place; folders 0700, files 0600): each one in its own folder, and ``in-use.txt``
names the one to use, replaced atomically — a crash leaves the old update or the new one,
never half of one. It is checked again (signature, rules) every time it is read; anything
wrong and the shipped catalog is used, which always stays as the fallback.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import ipaddress
import math
import os
import re
import secrets
import shutil
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.atomic import write_atomically
from app.catalog.loader import MAX_CATALOG_BYTES, CatalogError, load_catalog
from app.core.catalog import Catalog
from app.filelock import LockTimeout, locked
from app.paths import private_folder, resource

SIG_SUFFIX = ".sig"
SIG_HEADER = "conncheck catalog signature 1"
MAX_SIG_BYTES = 4096  # a signature file is ~400 bytes
MAX_FILE_BYTES = 64 * 1024  # a CA certificate is ~3 KB; the catalog: the loader's own cap
MAX_FILES = 8  # the catalog and the files it names
MIN_CHECKS, MAX_CHECKS = 20, 200  # the shipped catalog has ~70 entries
KEY_FILE = ("keys", "catalog-update.pub")
ENV_KEY = "CONNCHECK_UPDATE_KEY"  # tests: a public key file trusted instead of the built-in one
ENV_DATA_DIR = "CONNCHECK_DATA_DIR"
STORE_DIR = "catalog"
POINTER = "in-use.txt"
LOCK = "update.lock"
LAB_RANGE = ipaddress.ip_network("198.18.0.0/15")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d{1,2}(?:\.\d{1,4})?$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class UpdateRefused(ValueError):
    """A download that must not replace anything. ``str()`` is one line for Details."""


class UpToDate(UpdateRefused):
    """The mirror has the version in use (or an older one)."""


# ------------------------------------------------------------------------------------ keys


def key_id(key: Ed25519PublicKey) -> str:
    """Short name of a public key (the first 16 hex digits of SHA-256 of its raw bytes)."""
    return hashlib.sha256(key.public_bytes_raw()).hexdigest()[:16]


def parse_public_keys(text: str) -> tuple[Ed25519PublicKey, ...]:
    """Public keys, one base64 line each (raw 32 bytes); ``#`` lines are comments."""
    keys = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            keys.append(Ed25519PublicKey.from_public_bytes(base64.b64decode(line,
                                                                            validate=True)))
        except (ValueError, binascii.Error):
            raise ValueError(f"not an Ed25519 public key: {line[:20]!r}") from None
    return tuple(keys)


def builtin_keys() -> tuple[Ed25519PublicKey, ...]:
    """The keys a download must be signed with: resources/keys/catalog-update.pub (two lines
    while a key is being rotated), or, for tests, the file ``$CONNCHECK_UPDATE_KEY`` names."""
    override = os.environ.get(ENV_KEY)
    path = Path(override) if override else resource(*KEY_FILE)
    return parse_public_keys(path.read_text(encoding="ascii"))


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A private key from its base64 text (raw 32 bytes) — for ``make sign-catalog`` only."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(lines[0], validate=True))
    except (IndexError, ValueError, binascii.Error):
        raise ValueError("not an Ed25519 private key (base64 of 32 bytes)") from None


def encode_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    raw = (key.private_bytes_raw() if isinstance(key, Ed25519PrivateKey)
           else key.public_bytes_raw())
    return base64.b64encode(raw).decode("ascii")


# ------------------------------------------------------------------------- signature file


@dataclass(frozen=True)
class SignedFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a valid signature file vouches for."""

    key: str  # the key id that signed it
    version: str
    files: tuple[SignedFile, ...]  # the catalog first

    @property
    def catalog(self) -> SignedFile:
        return self.files[0]


def sign(version: str, files: Sequence[tuple[str, bytes]], key: Ed25519PrivateKey) -> bytes:
    """The signature file for a catalog (first) and the files it names."""
    lines = [SIG_HEADER, f"key {key_id(key.public_key())}", f"version {version}"]
    for name, data in files:
        lines.append(f"file {name} {len(data)} {hashlib.sha256(data).hexdigest()}")
    body = ("\n".join(lines) + "\n").encode("ascii")
    signature = base64.b64encode(key.sign(body)).decode("ascii")
    return body + f"signature {signature}\n".encode("ascii")


def verify_signature(sig: bytes, keys: Iterable[Ed25519PublicKey]) -> Manifest:
    """The manifest of a signature file made by one of ``keys``; raises UpdateRefused."""
    if len(sig) > MAX_SIG_BYTES:
        raise UpdateRefused("signature file too large")
    body, marker, rest = sig.rpartition(b"signature ")
    if not marker or (body and not body.endswith(b"\n")):
        raise UpdateRefused("not a signature file")
    try:
        signature = base64.b64decode(rest.strip(), validate=True)
    except (ValueError, binascii.Error):
        raise UpdateRefused("not a signature file") from None
    for key in keys:
        try:
            key.verify(signature, body)
        except InvalidSignature:
            continue
        return _manifest(body)
    raise UpdateRefused("bad signature (not signed by a key built into the app)")


def _manifest(body: bytes) -> Manifest:
    """The lines of a correctly signed signature file (trusted, still checked for shape)."""
    try:
        lines = body.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise UpdateRefused("signature file is not text") from None
    if not lines or lines[0] != SIG_HEADER:
        raise UpdateRefused("unknown signature format")
    key = version = ""
    files: list[SignedFile] = []
    for line in lines[1:]:
        word, _, value = line.partition(" ")
        if word == "key":
            key = value
        elif word == "version":
            version = value
        elif word == "file":
            files.append(_signed_file(value, first=not files))
    if not _VERSION.fullmatch(version):
        raise UpdateRefused(f"version is not date-like: {version[:40]!r}")
    names = [f.name for f in files]
    if not files or len(files) > MAX_FILES or len(set(names)) != len(names):
        raise UpdateRefused("signature file lists no catalog, or too many or repeated files")
    return Manifest(key, version, tuple(files))


def _signed_file(value: str, *, first: bool) -> SignedFile:
    parts = value.split(" ")
    if len(parts) != 3 or not _FILE_NAME.fullmatch(parts[0]) or not parts[1].isdigit() or (
            not _HEX64.fullmatch(parts[2])):
        raise UpdateRefused("malformed file line in the signature file")
    size = int(parts[1])
    cap = MAX_CATALOG_BYTES if first else MAX_FILE_BYTES
    if size > cap:
        raise UpdateRefused(f"{parts[0]} is {size} bytes, over the cap of {cap}")
    return SignedFile(parts[0], size, parts[2])


def check_file(signed: SignedFile, data: bytes) -> None:
    """``data`` is exactly the file the signature vouches for."""
    if len(data) != signed.size or hashlib.sha256(data).hexdigest() != signed.sha256:
        raise UpdateRefused(f"{signed.name} differs from the signed file")


# -------------------------------------------------------------------------------- versions


def version_key(version: str) -> tuple[int, ...]:
    """Comparable form of a date-like version: ``2026.11.23`` → (2026, 11, 23). The leading
    numbers only, so ``2026.11.23-viber`` counts as 2026.11.23."""
    match = re.match(r"\d+(?:\.\d+)*", version.strip())
    return tuple(int(p) for p in match.group(0).split(".")) if match else ()


def is_date_like(version: str) -> bool:
    """The form an update's version must have: ``2026.12.01`` (or ``2026.12.01.2``)."""
    return bool(_VERSION.fullmatch(version))


def is_newer(candidate: str, current: str) -> bool:
    return version_key(candidate) > version_key(current)


# ----------------------------------------------------------------------------- the rules


def sanity_problems(catalog: Catalog) -> list[str]:
    """What keeps a catalog from being used as the shipped one: the rules an update must pass
    (the shipped catalog's own tests check the same, tests/catalog/test_catalog.py)."""
    problems = []
    if not MIN_CHECKS <= len(catalog.checks) <= MAX_CHECKS:
        problems.append(f"{len(catalog.checks)} entries, not {MIN_CHECKS}-{MAX_CHECKS}")
    else:
        waves = math.ceil(len(catalog.checks) / catalog.concurrency)
        slowest = max(check.timeout_s for check in catalog.checks)
        if waves * slowest > catalog.deadline_s:
            problems.append(f"a full run ({waves} x {slowest:g} s) does not fit the deadline "
                            f"of {catalog.deadline_s:g} s")
    if catalog.extra_ca is not None:
        problems.append("declares extra_ca (only a catalog chosen with --catalog may)")
    if catalog.ordinary_ranges:
        problems.append("declares ordinary_ranges (only a catalog chosen with --catalog may)")
    for check in catalog.checks:
        try:
            address = ipaddress.ip_address(check.host)
        except ValueError:
            continue
        if not address.is_global or address in LAB_RANGE:
            problems.append(f"entry '{check.id}' targets a private or lab address")
            break
    for url in catalog.update_urls:
        host = urlsplit(url).hostname or ""
        with contextlib.suppress(ValueError):
            address = ipaddress.ip_address(host)
            if not address.is_global or address in LAB_RANGE:
                problems.append("an update source is a private or lab address")
                break
    return problems


def named_files(catalog: Catalog) -> set[str]:
    """The file names a catalog names (its CA files), as they sit next to it."""
    names = {Path(check.ca_file).name for check in catalog.checks if check.ca_file}
    if catalog.extra_ca is not None:
        names.add(catalog.extra_ca.name)
    return names


def accept(folder: Path, manifest: Manifest, current_version: str | None,
           *, name: str = "") -> Catalog:
    """The catalog in ``folder`` (its files checked against ``manifest`` already), if it
    passes every rule; raises UpdateRefused (UpToDate when it is not newer)."""
    if current_version is not None and not is_newer(manifest.version, current_version):
        raise UpToDate(f"version {manifest.version} is not newer than {current_version}")
    try:
        catalog = load_catalog(folder / manifest.catalog.name)
    except CatalogError as exc:
        raise UpdateRefused(f"does not load: {exc.problem}") from None
    if catalog.version != manifest.version:
        raise UpdateRefused(f"catalog says version {catalog.version!r}, the signature "
                            f"{manifest.version!r}")
    if name and catalog.name != name:
        raise UpdateRefused(f"a catalog named {catalog.name!r}, not {name!r}")
    problems = sanity_problems(catalog)
    if problems:
        raise UpdateRefused(problems[0])
    signed = {f.name for f in manifest.files[1:]}
    if named_files(catalog) != signed:
        raise UpdateRefused("the catalog names other files than the signature lists")
    return catalog


# --------------------------------------------------------------------------------- storage


def data_dir() -> Path:
    """Where the app keeps its own files (the same place as the history)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("conncheck", appauthor=False))


def store_dir(data: Path | None = None) -> Path:
    return (data or data_dir()) / STORE_DIR


def _private_dir(path: Path) -> None:
    private_folder(path)


def _write_private(path: Path, data: bytes) -> None:
    """Whole or not at all, 0600."""
    write_atomically(path, data, mode=0o600)


def stage(files: Mapping[str, bytes], sig: bytes, manifest: Manifest,
          data: Path | None = None) -> Path:
    """A new private folder in the store holding the files and their signature."""
    root = store_dir(data)
    _private_dir(root)
    folder = root / f"v{manifest.version}-{secrets.token_hex(4)}"
    folder.mkdir(mode=0o700)
    for name, content in files.items():
        _write_private(folder / name, content)
    _write_private(folder / (manifest.catalog.name + SIG_SUFFIX), sig)
    return folder


def put_in_use(folder: Path) -> None:
    """Make ``folder`` the update in use (atomically), and remove the older ones."""
    root = folder.parent
    _write_private(root / POINTER, (folder.name + "\n").encode("ascii"))
    for old in root.iterdir():
        if old.is_dir() and old.name != folder.name and old.name.startswith("v"):
            shutil.rmtree(old, ignore_errors=True)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def stored_catalog(keys: Sequence[Ed25519PublicKey] | None = None,
                   data: Path | None = None, *, newer_than: str | None = None) -> Catalog | None:
    """The update kept earlier, checked again (signature, every rule), or None — when there is
    none, it is damaged, or it is not newer than ``newer_than`` (the shipped version)."""
    root = store_dir(data)
    try:
        name = (root / POINTER).read_text(encoding="ascii").strip()
        if not _FILE_NAME.fullmatch(name):
            return None
        folder = root / name
        sigs = list(folder.glob("*" + SIG_SUFFIX))
        if len(sigs) != 1 or sigs[0].stat().st_size > MAX_SIG_BYTES:
            return None
        manifest = verify_signature(sigs[0].read_bytes(), keys or builtin_keys())
        for signed in manifest.files:
            check_file(signed, (folder / signed.name).read_bytes())
        return accept(folder, manifest, newer_than)
    except (OSError, ValueError):  # missing, damaged, refused: the shipped catalog is used
        return None


# ---------------------------------------------------------------------------- the update

Fetch = Callable[[str, int, float], Awaitable[bytes]]  # (url, max bytes, seconds) -> body
PER_MIRROR_S = 20.0  # everything from one mirror (signature, catalog, CA files)
TOTAL_S = 60.0  # the whole update, every mirror together


class Status(StrEnum):
    UPDATED = "updated"  # a newer catalog was taken
    UP_TO_DATE = "up_to_date"  # the mirrors have the version in use
    FAILED = "failed"  # nothing usable: the catalog in use stays
    NO_SOURCES = "no_sources"  # the catalog in use names no update sources


@dataclass(frozen=True)
class UpdateResult:
    status: Status
    version: str  # the catalog version in use after the update
    details: tuple[str, ...] = field(default=())  # one line per mirror tried (for Details)
    catalog: Catalog | None = None  # UPDATED: the new catalog


async def update(sources: Sequence[str], current_version: str, fetch: Fetch, *,
                 name: str = "", keys: Sequence[Ed25519PublicKey] | None = None,
                 data: Path | None = None, per_mirror_s: float = PER_MIRROR_S,
                 total_s: float = TOTAL_S) -> UpdateResult:
    """Try each mirror in turn; keep the first download that passes every rule.

    Never raises for anything a network or a mirror can do: every problem is one line of
    ``details`` and the catalog in use stays."""
    if not sources:
        return UpdateResult(Status.NO_SOURCES, current_version)
    trusted = tuple(keys) if keys is not None else builtin_keys()
    details: list[str] = []
    up_to_date = False
    try:
        async with asyncio.timeout(total_s):
            for url in sources:
                try:
                    async with asyncio.timeout(per_mirror_s):
                        catalog = await _from_mirror(url, current_version, fetch, name,
                                                     trusted, data)
                except UpToDate as exc:
                    up_to_date = True
                    details.append(f"{url}: {exc}")
                    continue
                except TimeoutError:
                    details.append(f"{url}: no answer within {per_mirror_s:g} s")
                    continue
                except (UpdateRefused, OSError, LockTimeout) as exc:
                    details.append(f"{url}: {exc}")
                    continue
                details.append(f"{url}: took version {catalog.version}")
                return UpdateResult(Status.UPDATED, catalog.version, tuple(details), catalog)
    except TimeoutError:
        details.append(f"stopped: the update took longer than {total_s:g} s")
    status = Status.UP_TO_DATE if up_to_date else Status.FAILED
    return UpdateResult(status, current_version, tuple(details))


async def _from_mirror(url: str, current_version: str, fetch: Fetch, name: str,
                       keys: Sequence[Ed25519PublicKey], data: Path | None) -> Catalog:
    sig = await fetch(url + SIG_SUFFIX, MAX_SIG_BYTES, PER_MIRROR_S)
    manifest = verify_signature(sig, keys)
    if manifest.catalog.name != Path(urlsplit(url).path).name:
        raise UpdateRefused(f"the signature is for {manifest.catalog.name}, not this URL")
    if not is_newer(manifest.version, current_version):
        raise UpToDate(f"version {manifest.version} is not newer than {current_version}")
    files: dict[str, bytes] = {}
    for signed in manifest.files:
        body = await fetch(urljoin(url, signed.name), signed.size, PER_MIRROR_S)
        check_file(signed, body)
        files[signed.name] = body
    root = store_dir(data)
    _private_dir(root)
    with locked(root / LOCK, timeout_s=5.0):
        folder = stage(files, sig, manifest, data)
        try:
            kept = stored_catalog(keys, data)  # another copy of the app may have been faster
            if kept is not None and not is_newer(manifest.version, kept.version):
                raise UpToDate(f"version {manifest.version} is not newer than {kept.version}")
            catalog = accept(folder, manifest, current_version, name=name)
        except BaseException:
            discard(folder)
            raise
        put_in_use(folder)
    return catalog
