"""A small closed-loop HTTP/1.1 load generator (the fallback when `wrk` is not installed).

N keep-alive connections, each sending the next request as soon as the previous response is complete, for a
warm-up then a measured period. Raw asyncio protocols, no HTTP library: on a 2-core laptop the client must spend
as little CPU per request as possible so that it does not starve the server it measures.

Run as its own process: `python loadgen.py URL --connections 32 --duration 8 --warmup 2 -H 'Name: value'`.
Prints one JSON object: {"requests","errors","statuses","rps","p50_ms","p90_ms","p99_ms","seconds"}.

`--plan FILE` sends other requests than one fixed GET (the checkout bench): a JSON object
`{"method", "headers": [[name, value], ...], "variants": [{"headers": [[name, value], ...], "body": "..."}, ...],
"unique_header": name, "unique_prefix": "..."}`; request n uses variant n % len(variants) and carries
`unique_header: <unique_prefix><n>` (an Idempotency-Key that is never repeated).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit


class Stats:
    def __init__(self) -> None:
        self.measuring = False
        self.stopping = False
        self.latencies: list[int] = []  # ns, measured phase only
        self.statuses: dict[int, int] = {}
        self.errors = 0


class Connection(asyncio.Protocol):
    def __init__(self, request: bytes | Callable[[], bytes], stats: Stats, closed: asyncio.Future) -> None:
        self.request = request
        self.stats = stats
        self.closed = closed
        self.buf = b""
        self.sent_at = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        self._send()

    def _send(self) -> None:
        request = self.request if isinstance(self.request, bytes) else self.request()
        self.sent_at = time.perf_counter_ns()
        self.transport.write(request)  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self._response_end()
            if end is None:
                return
            status = int(self.buf[9:12])
            self.buf = self.buf[end:]
            stats = self.stats
            if stats.measuring:
                stats.latencies.append(time.perf_counter_ns() - self.sent_at)
                stats.statuses[status] = stats.statuses.get(status, 0) + 1
            if stats.stopping:
                self.transport.close()  # type: ignore[union-attr]
                return
            self._send()

    def _response_end(self) -> int | None:
        """The offset just past the first complete response in the buffer, or None if incomplete."""
        buf = self.buf
        head_end = buf.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = buf[:head_end].lower()
        body_start = head_end + 4
        pos = head.find(b"\r\ncontent-length:")
        if pos >= 0:
            line_end = head.find(b"\r\n", pos + 2)
            length = int(head[pos + 17 : line_end if line_end >= 0 else len(head)])
            end = body_start + length
            return end if len(buf) >= end else None
        if b"\r\ntransfer-encoding: chunked" in head:
            pos = body_start
            while True:
                size_end = buf.find(b"\r\n", pos)
                if size_end < 0:
                    return None
                size = int(buf[pos:size_end].split(b";")[0], 16)
                pos = size_end + 2 + size + 2
                if len(buf) < pos:
                    return None
                if size == 0:
                    return pos
        return body_start  # no body (e.g. 204)

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        if not self.stats.stopping:
            self.stats.errors += 1
        if not self.closed.done():
            self.closed.set_result(None)


def planned(plan: dict, target: str, host: str, port: int, headers: list[str]) -> Callable[[], bytes]:
    """The request factory of a `--plan` (see the module doc)."""
    common = [
        f"{plan.get('method', 'GET')} {target} HTTP/1.1",
        f"Host: {host}:{port}",
        "Accept: */*",
        *headers,
    ]
    common += [f"{k}: {v}" for k, v in plan.get("headers", [])]
    variants = []
    for v in plan.get("variants") or [{}]:
        body = v.get("body", "").encode()
        lines = [*common, *(f"{k}: {val}" for k, val in v.get("headers", [])), f"Content-Length: {len(body)}"]
        variants.append(("\r\n".join(lines).encode("latin-1"), body))
    unique = plan.get("unique_header")
    prefix = plan.get("unique_prefix", "")
    counter = [0]

    def make() -> bytes:
        counter[0] += 1
        head, body = variants[counter[0] % len(variants)]
        extra = f"\r\n{unique}: {prefix}{counter[0]}".encode("latin-1") if unique else b""
        return head + extra + b"\r\n\r\n" + body

    return make


async def run(
    url: str, headers: list[str], connections: int, duration: float, warmup: float, plan: dict | None = None
) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # The URL's host unless the caller names one (a store served by its Host: curam.localhost).
    own_host = any(h.lower().startswith("host:") for h in headers)
    lines = [
        f"GET {target} HTTP/1.1",
        *([] if own_host else [f"Host: {host}:{port}"]),
        "Accept: */*",
        *headers,
    ]
    request: bytes | Callable[[], bytes] = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    if plan is not None:
        request = planned(plan, target, host, port, headers)
    stats = Stats()
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + warmup + duration

    async def one() -> None:
        # Reconnects if the server closes the connection before the end (counted as an error).
        while loop.time() < stop_at and not stats.stopping:
            closed: asyncio.Future = loop.create_future()
            try:
                await loop.create_connection(lambda c=closed: Connection(request, stats, c), host, port)
            except OSError:
                stats.errors += 1
                await asyncio.sleep(0.05)
                continue
            await closed

    tasks = [asyncio.create_task(one()) for _ in range(connections)]
    await asyncio.sleep(warmup)
    stats.measuring = True
    started = time.perf_counter()
    await asyncio.sleep(duration)
    stats.measuring = False
    elapsed = time.perf_counter() - started
    stats.stopping = True
    await asyncio.wait(tasks, timeout=5)
    for t in tasks:
        t.cancel()

    lat = sorted(stats.latencies)

    def pct(p: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] / 1e6, 3) if lat else None

    return {
        "requests": len(lat),
        "errors": stats.errors,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "seconds": round(elapsed, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("-H", "--header", action="append", default=[])
    ap.add_argument("-c", "--connections", type=int, default=32)
    ap.add_argument("-d", "--duration", type=float, default=8.0)
    ap.add_argument("-w", "--warmup", type=float, default=2.0)
    ap.add_argument("--plan", help="JSON file: method, bodies and per-request headers (module doc)")
    args = ap.parse_args()
    plan = None
    if args.plan:
        with open(args.plan) as f:
            plan = json.load(f)
    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(run(args.url, args.header, args.connections, args.duration, args.warmup, plan))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
