"""A mirror for catalog updates, good and hostile: HTTPS serving a folder, where the first
path segment says how to behave (tests/engine/test_fetch_update.py on loopback,
tests/lab/test_update_lab.py in a lab namespace).

    /ok/<dir>/<file>     the file from ROOT/<dir>/<file> (404 when missing)
    /stall/<...>         accepts, completes TLS, reads the request, never answers
    /drip/<dir>/<file>   the real answer, one byte every 0.5 s
    /endless/<...>       200 without Content-Length, then bytes forever
    /liar/<...>          Content-Length: 10, then 100 KB

Every request line is appended to ``requests.log`` in ROOT (tests read what was sent).

    python -m tests.servers.update_server --root DIR --cert C --key K --listen IP:PORT ...
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import ssl
import threading
from pathlib import Path

DRIP_S = 0.5


class UpdateMirror:
    def __init__(self, root: Path, cert: Path, key: Path) -> None:
        self.root = root
        self.ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.log = root / "requests.log"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            with self.log.open("ab") as log:
                log.write(head + b"\0\n")
            path = head.split(b" ", 2)[1].decode("latin-1")
            mode, _, rest = path.lstrip("/").partition("/")
            gone = asyncio.ensure_future(reader.read(1))  # done when the client hangs up
            try:
                await self._answer(writer, mode, rest, gone)
            finally:
                gone.cancel()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError, IndexError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, writer: asyncio.StreamWriter, mode: str, rest: str,
                      gone: asyncio.Future[bytes]) -> None:
        if mode == "stall":
            await asyncio.sleep(3600)
        if mode == "endless":
            writer.write(b"HTTP/1.0 200 OK\r\n\r\n")
            for _ in range(4096):  # 64 MB at most; stops when the client hangs up
                if gone.done():
                    return
                writer.write(b"#" * 16384)
                await writer.drain()
                await asyncio.sleep(0)
            return
        if mode == "liar":
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n" + b"#" * 100_000)
            await writer.drain()
            return
        file = (self.root / rest).resolve()
        if mode not in ("ok", "drip") or not file.is_relative_to(self.root) or (
                not file.is_file()):
            writer.write(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        body = file.read_bytes()
        answer = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
        if mode == "ok":
            writer.write(answer)
            await writer.drain()
            return
        for i in range(len(answer)):
            if gone.done():
                return
            writer.write(answer[i:i + 1])
            await writer.drain()
            await asyncio.sleep(DRIP_S)

    async def serve(self, listen: list[tuple[str, int]]) -> list[asyncio.Server]:
        return [await asyncio.start_server(self.handle, host, port, ssl=self.ctx)
                for host, port in listen]


class BackgroundMirror:
    """The mirror on loopback in a thread, for in-process tests: ``with ... as m: m.port``."""

    def __init__(self, root: Path, cert: Path, key: Path) -> None:
        self.mirror = UpdateMirror(root, cert, key)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> BackgroundMirror:
        self._thread.start()
        servers = asyncio.run_coroutine_threadsafe(
            self.mirror.serve([("127.0.0.1", 0)]), self.loop).result(10)
        self.port = servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--listen", action="append", required=True)
    parser.add_argument("--lifetime", type=float, default=300.0)
    args = parser.parse_args()
    listen = [(item.rpartition(":")[0], int(item.rpartition(":")[2])) for item in args.listen]

    async def run() -> None:
        await UpdateMirror(args.root.resolve(), args.cert, args.key).serve(listen)
        print("ready", flush=True)
        parent = os.getppid()
        for _ in range(int(args.lifetime * 2)):  # stop with the test, or after the lifetime
            await asyncio.sleep(0.5)
            if os.getppid() != parent:
                return

    asyncio.run(run())


if __name__ == "__main__":
    main()
