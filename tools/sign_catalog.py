"""Sign a catalog for publishing: ``make sign-catalog`` (docs/catalog.md "Publish an update").

    CONNCHECK_CATALOG_KEY_FILE=~/keys/catalog-update.key make sign-catalog
    python -m tools.sign_catalog [CATALOG] [--out DIR]

The private key comes from ``$CONNCHECK_CATALOG_KEY`` (its base64 text) or the file
``$CONNCHECK_CATALOG_KEY_FILE`` names — never from the repository. The catalog is loaded and
held to the rules every download must pass (app/catalog/update.py) before anything is
signed; then DIR (default ``dist/catalog``) gets the catalog, the files it names and
``<catalog>.sig``: upload all of them, unchanged, to every mirror in ``update_urls``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from app.catalog import update
from app.catalog.loader import CatalogError, load_catalog

REPO = Path(__file__).resolve().parents[1]


def private_key_text() -> str:
    text = os.environ.get("CONNCHECK_CATALOG_KEY")
    if text:
        return text
    path = os.environ.get("CONNCHECK_CATALOG_KEY_FILE")
    if not path:
        raise SystemExit("sign-catalog: set CONNCHECK_CATALOG_KEY_FILE (or CONNCHECK_CATALOG_KEY)"
                         " to the private key; it is never kept in the repository")
    key_path = Path(path).expanduser().resolve()
    if key_path.is_relative_to(REPO) and "tests" not in key_path.relative_to(REPO).parts:
        raise SystemExit(f"sign-catalog: {path} is inside the repository; keep the key out of it")
    return key_path.read_text(encoding="ascii")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sign-catalog")
    parser.add_argument("catalog", nargs="?", type=Path,
                        default=REPO / "resources" / "catalog" / "default.toml")
    parser.add_argument("--out", type=Path, default=REPO / "dist" / "catalog")
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        print(f"sign-catalog: {exc}", file=sys.stderr)
        return 2
    problems = update.sanity_problems(catalog)
    if not update.is_date_like(catalog.version):
        problems.append(f"version {catalog.version!r} is not date-like (2026.12.01)")
    if problems:
        print(f"sign-catalog: {args.catalog}: {problems[0]}", file=sys.stderr)
        return 2
    key = update.load_private_key(private_key_text())
    names = sorted(update.named_files(catalog))
    files = [(args.catalog.name, args.catalog.read_bytes())]
    files += [(name, (args.catalog.parent / name).read_bytes()) for name in names]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (args.out / name).write_bytes(data)
    sig = update.sign(catalog.version, files, key)
    (args.out / (args.catalog.name + update.SIG_SUFFIX)).write_bytes(sig)
    shutil.copystat(args.catalog, args.out / args.catalog.name)
    print(f"signed {catalog.name} {catalog.version} with key "
          f"{update.key_id(key.public_key())}: {', '.join(n for n, _ in files)} + "
          f"{args.catalog.name}{update.SIG_SUFFIX} in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
