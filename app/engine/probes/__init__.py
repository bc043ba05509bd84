"""One small module per probe kind. Each exposes ``async def run(check, ctx) -> Observation``."""
