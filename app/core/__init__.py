"""Types and constants every layer shares: no logic beyond small helpers, no I/O.

Every other package of the app may import ``app.core``; ``app.core`` imports nothing of ours
outside itself (enforced by import-linter, ``pyproject.toml``)."""
