"""Reading and validating target catalogs (TOML). Format: docs/catalog.md.

The catalog's types (``Catalog``, ``Restriction``) live in ``app/core/catalog.py``."""

from app.catalog.loader import CatalogError, load_catalog

__all__ = ["CatalogError", "load_catalog"]
