"""Analysis: pure functions from observations to verdicts and causes. No I/O, no Qt."""
