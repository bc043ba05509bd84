"""The system resolver wrapper: one lookup per name, and no stray tracebacks."""

from __future__ import annotations

import asyncio
import gc
import socket
import time

import pytest

from app.engine import sysdns


async def test_a_failure_after_every_caller_gave_up_is_not_printed(monkeypatch):
    """A check's DNS step times out, the lookup fails later: the user must not see
    "Task exception was never retrieved" and a traceback in the terminal."""
    def slow_nxdomain(host, port, type=0):
        time.sleep(0.2)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(sysdns.socket, "getaddrinfo", slow_nxdomain)
    seen: list[dict] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: seen.append(context))
    resolver = sysdns.SystemResolver()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(resolver.resolve("example.test"), 0.05)
    await asyncio.sleep(0.4)  # the lookup fails now, with nobody waiting
    resolver._cache.clear()
    gc.collect()
    await asyncio.sleep(0)
    assert seen == []


async def test_a_name_is_asked_once_per_run(monkeypatch):
    calls: list[str] = []

    def answer(host, port, type=0):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("198.18.0.9", 0))]

    monkeypatch.setattr(sysdns.socket, "getaddrinfo", answer)
    resolver = sysdns.SystemResolver()
    first, second = await asyncio.gather(resolver.resolve("e1.whatsapp.net"),
                                         resolver.resolve("E1.whatsapp.net."))
    assert first == second == ("198.18.0.9",)
    assert calls == ["e1.whatsapp.net"]
