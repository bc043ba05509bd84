"""The measurement engine: asyncio probes, no Qt. Probes report facts; analysis decides."""
