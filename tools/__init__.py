"""Developer tools that are not part of the app (not installed, not frozen)."""
