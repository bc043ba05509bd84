"""Reading and validating target catalogs (TOML). Format: docs/catalog.md."""

from app.catalog.loader import Catalog, CatalogError, Restriction, load_catalog

__all__ = ["Catalog", "CatalogError", "Restriction", "load_catalog"]
