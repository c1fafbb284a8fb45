"""Location ingestion figures (issue 7): updates/s and latency of `POST /api/delivery/me/location` on loopback,
200 simulated agents, one delivery process (granian, one worker), the local AWS emulator behind it.
Figures only, never assertions. Runs on its own:

    .venv/bin/python tests/bench/location.py [--agents 200] [--duration 10] [--json]

What it starts (each in its own process group, with a parent-death signal, stopped on exit / Ctrl-C / SIGTERM):
the AWS emulator (webdpro_local.emulator) on a free port, provisioned from deploy/resources.toml; a JWKS endpoint
in this process (a throw-away RSA key signs the agents' tokens); the delivery service (`webdpro-delivery`).
The agents join through the real path: `agent.joined` events published on the auth topic, consumed by the
service from its queue; the script waits until the merchant's agent list shows all of them.

The load: one keep-alive HTTP/1.1 connection per agent, raw asyncio (little CPU per request: on 2 cores the
client shares the machine with the service and the emulator). Every request carries fresh points (a random walk
around Mumbai, `at` = now).

1. Open loop, single points: every agent sends one point every 1/rate s (phases spread), so the offered load is
   agents x rate updates/s (default 200 x 5 = 1,000/s). Latency is measured from each request's *scheduled* time
   (a request that waits for its connection counts that wait), so a server that falls behind shows it.
2. Open loop, batched: every agent sends `--batch` points (default 5) once per second: the same 1,000 points/s in
   200 requests/s, as phones that buffer do.
3. Closed loop (saturation): every connection sends its next request as soon as the previous answer is in, single
   points, then batches; the most the process takes.

The service path per request: token (verified once per token, then cached), body checks, ONE conditional
UpdateItem of the agent's last position (newer-than and agent-active in its condition), and a trail point at most
once per agent per 15 s (a BatchWriteItem), all through aiobotocore to the emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx

from webdpro_local.procs import free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ISSUER = "https://auth.bench.webdpro"
API = "/api/delivery"


# ----------------------------------------------------------------------------------------------- processes


def _child_setup() -> None:
    from webdpro_local.procs import set_pdeathsig

    os.setpgrp()
    set_pdeathsig()


class Procs:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("wb")
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_child_setup)
        self.children.append((name, proc))
        return proc

    def stop(self) -> None:
        for _, proc in reversed(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in reversed(self.children):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
        self.children.clear()

    def tail(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


# ----------------------------------------------------------------------------------------------- tokens
class Keys:
    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from jwt.algorithms import RSAAlgorithm

        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = json.dumps({"keys": [{**jwk, "kid": "bench", "use": "sig", "alg": "RS256"}]}).encode()

    def token(self, role: str, sub: str, tenant: str) -> str:
        import jwt

        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": sub,
            "iat": now,
            "exp": now + 3600,
            "token_use": "access",
            "cognito:groups": [role],
            "custom:tenant_id": tenant,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "bench"})

    def serve(self) -> str:
        document = self.jwks

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(document)))
                self.end_headers()
                self.wfile.write(document)

            def log_message(self, *args) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{server.server_address[1]}/jwks.json"


# ----------------------------------------------------------------------------------------------- the load
class Walk:
    """An agent's random walk around Mumbai; `points(n)` are JSON objects with `at` = now."""

    def __init__(self, rng: random.Random) -> None:
        self.lat = 19.0 + rng.random() * 0.2
        self.lng = 72.8 + rng.random() * 0.1
        self.heading = rng.random() * 360
        self.rng = rng

    def points(self, n: int, now: float) -> bytes:
        out = []
        for i in range(n):
            self.heading = (self.heading + self.rng.uniform(-20, 20)) % 360
            step = 0.00005
            self.lat += step * math.cos(math.radians(self.heading))
            self.lng += step * math.sin(math.radians(self.heading))
            at = (
                time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - (n - 1 - i)))
                + f".{int(now * 1000) % 1000:03d}Z"
            )
            out.append(
                f'{{"lat":{self.lat:.6f},"lng":{self.lng:.6f},"accuracy":{5 + self.rng.random() * 10:.1f},'
                f'"heading":{self.heading:.0f},"at":"{at}"}}'
            )
        body = out[0] if n == 1 else "[" + ",".join(out) + "]"
        return body.encode()


class Conn(asyncio.Protocol):
    """One agent's keep-alive connection: send a request, read the whole response, repeat."""

    def __init__(self, host: str, token: str) -> None:
        self.head = (
            f"POST {API}/me/location HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: "
        ).encode()
        self.buf = b""
        self.waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None
        self.lost = False

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.lost = True
        if self.waiter and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("closed"))

    def data_received(self, data: bytes) -> None:
        self.buf += data
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buf[:end]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if len(self.buf) < end + 4 + length:
            return
        status = int(head[9:12])
        self.buf = self.buf[end + 4 + length :]
        if self.waiter and not self.waiter.done():
            self.waiter.set_result(status)

    async def send(self, body: bytes) -> int:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)  # type: ignore[union-attr]
        return await self.waiter


class Stats:
    def __init__(self) -> None:
        self.lat_ms: list[float] = []
        self.statuses: Counter = Counter()
        self.points = 0
        self.errors = 0
        self.first = math.inf  # when the measured requests started (scheduled or sent) and the last one ended
        self.last = 0.0

    def record(self, began: float, done: float, status: int, points: int) -> None:
        self.lat_ms.append((done - began) * 1000)
        self.statuses[status] += 1
        if 200 <= status < 300:
            self.points += points
        self.first = min(self.first, began)
        self.last = max(self.last, done)

    @property
    def seconds(self) -> float:
        return max(1e-9, self.last - self.first)


async def _connect(host: str, port: int, tokens: list[str]) -> list[Conn]:
    loop = asyncio.get_running_loop()
    conns = []
    for token in tokens:
        _, conn = await loop.create_connection(lambda t=token: Conn(f"{host}:{port}", t), host, port)
        conns.append(conn)
    return conns


async def open_loop(
    host: str, port: int, tokens: list[str], *, rate: float, batch: int, duration: float, warmup: float
) -> Stats:
    """Each agent sends `batch` points every 1/rate s; latency from the scheduled send time."""
    conns = await _connect(host, port, tokens)
    rng = random.Random(7)
    stats = Stats()
    start = time.perf_counter() + 0.2
    measure_from, stop_at = start + warmup, start + warmup + duration
    interval = 1.0 / rate

    async def agent(conn: Conn, walk: Walk) -> None:
        nxt = start + rng.random() * interval
        while nxt < stop_at:
            delay = nxt - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                status = await conn.send(walk.points(batch, time.time()))
            except ConnectionError:
                stats.errors += 1
                return
            if nxt >= measure_from:
                stats.record(nxt, time.perf_counter(), status, batch)
            nxt += interval

    await asyncio.gather(*(agent(c, Walk(random.Random(i))) for i, c in enumerate(conns)))
    for c in conns:
        c.transport.close()  # type: ignore[union-attr]
    return stats


async def closed_loop(
    host: str, port: int, tokens: list[str], *, batch: int, duration: float, warmup: float
) -> Stats:
    conns = await _connect(host, port, tokens)
    stats = Stats()
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration

    async def agent(conn: Conn, walk: Walk) -> None:
        while True:
            sent = time.perf_counter()
            if sent >= stop_at:
                return
            try:
                status = await conn.send(walk.points(batch, time.time()))
            except ConnectionError:
                stats.errors += 1
                return
            if sent >= measure_from:
                stats.record(sent, time.perf_counter(), status, batch)

    await asyncio.gather(*(agent(c, Walk(random.Random(i))) for i, c in enumerate(conns)))
    for c in conns:
        c.transport.close()  # type: ignore[union-attr]
    return stats


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(name: str, stats: Stats, offered: float | None = None) -> dict:
    """Throughput over the time the measured requests really took (from the first one's scheduled start to the
    last one's answer): a server that falls behind an open loop stretches it, so it shows."""
    ok = sum(v for k, v in stats.statuses.items() if 200 <= k < 300)
    seconds = stats.seconds
    return {
        "run": name,
        "offered_updates_per_s": offered,
        "requests_per_s": round(sum(stats.statuses.values()) / seconds, 1),
        "updates_per_s": round(stats.points / seconds, 1),
        "p50_ms": round(pct(stats.lat_ms, 50), 1),
        "p95_ms": round(pct(stats.lat_ms, 95), 1),
        "p99_ms": round(pct(stats.lat_ms, 99), 1),
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "errors": stats.errors,
    }


# ----------------------------------------------------------------------------------------------- setup
async def join_agents(env: dict[str, str], tenant: str, n: int) -> list[str]:
    """Publish `agent.joined` for n agents on the auth topic (what the auth service does on their first login)."""
    sys.path.insert(0, str(ROOT))
    from webdpro_aws.clients import AwsClients
    from webdpro_aws.manifest import Names, load_manifest
    from webdpro_core import ids
    from webdpro_core.settings import BaseSettings, load
    from webdpro_events import SnsPublisher, new_event, topic_arn

    settings = load(BaseSettings, env)
    clients = AwsClients(settings)
    try:
        names = Names(load_manifest(), settings.resource_prefix)
        arn = await topic_arn(clients, names.topic("auth"), settings.aws_region)
        publisher = SnsPublisher(await clients.get("sns"), arn)
        agents = [ids.new_id("agt") for _ in range(n)]
        events = [
            new_event(
                "agent.joined",
                {"agent_id": a, "tenant_id": tenant, "name": f"Agent {i}", "phone_number": f"+9199{i:08d}"},
                tenant_id=tenant,
                source="auth",
            )
            for i, a in enumerate(agents)
        ]
        failed = await publisher.publish_many(events)
        if failed:
            raise RuntimeError(f"{len(failed)} agent.joined events were not published")
        return agents
    finally:
        await clients.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agents", type=int, default=200)
    ap.add_argument(
        "--rates",
        default="5,10",
        help="open-loop runs: single points per agent per second, comma-separated (5 = 1,000/s for 200 agents)",
    )
    ap.add_argument(
        "--batch", type=int, default=5, help="points per batched request (one per agent per second)"
    )
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--no-closed", action="store_true", help="skip the saturation runs")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--logs", type=Path, default=None, help="keep the processes' logs here")
    args = ap.parse_args()

    log_dir = args.logs or Path(tempfile.mkdtemp(prefix="bench-location-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    procs = Procs(log_dir)

    def on_signal(signum, _frame) -> None:
        procs.stop()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    keys = Keys()
    aws_port, port = free_port(), free_port()
    env = {
        **os.environ,
        "WEBDPRO_AWS_PORT": str(aws_port),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{aws_port}",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "ap-south-1",
        "WEBDPRO_ENV": "test",
        "WEBDPRO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    try:
        procs.start("emulator", [sys.executable, "-m", "webdpro_local.emulator"], env)
        wait_http(f"http://127.0.0.1:{aws_port}/moto-api/")
        subprocess.run(
            [sys.executable, "-m", "webdpro_local.provision"],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        service_env = {
            **env,
            "WEBDPRO_HOST": "127.0.0.1",
            "WEBDPRO_PORT": str(port),
            "WEBDPRO_JWKS_URL": keys.serve(),
            "WEBDPRO_TOKEN_ISSUER": ISSUER,
        }
        procs.start("delivery", [str(VENV_BIN / "webdpro-delivery")], service_env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{base}{API}/healthz")
        except RuntimeError:
            print(procs.tail("delivery"), file=sys.stderr)
            raise

        tenant = "tnt_bench" + str(int(time.time()))
        agents = asyncio.run(join_agents(env, tenant, args.agents))
        merchant = {"authorization": f"Bearer {keys.token('BUSINESS_OWNER', 'usr_bench', tenant)}"}
        deadline = time.monotonic() + 60
        while True:
            listed = httpx.get(f"{base}{API}/agents", headers=merchant, timeout=10).json().get("items", [])
            if len(listed) >= args.agents:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(listed)} of {args.agents} agents joined in 60 s")
            time.sleep(0.25)
        tokens = [keys.token("DELIVERY_AGENT", a, tenant) for a in agents]

        results = []
        for rate in [float(r) for r in args.rates.split(",") if r.strip()]:
            stats = asyncio.run(
                open_loop(
                    "127.0.0.1", port, tokens, rate=rate, batch=1, duration=args.duration, warmup=args.warmup
                )
            )
            results.append(
                figures(
                    f"open loop, single points, {args.agents} agents x {rate:g}/s", stats, args.agents * rate
                )
            )
        stored = stored_positions(base, merchant, time.time())
        stats = asyncio.run(
            open_loop(
                "127.0.0.1",
                port,
                tokens,
                rate=1.0,
                batch=args.batch,
                duration=args.duration,
                warmup=args.warmup,
            )
        )
        results.append(
            figures(
                f"open loop, batches of {args.batch}, {args.agents} agents x 1/s",
                stats,
                float(args.agents * args.batch),
            )
        )
        if not args.no_closed:
            for batch in (1, 10):
                stats = asyncio.run(
                    closed_loop(
                        "127.0.0.1", port, tokens, batch=batch, duration=args.duration, warmup=args.warmup
                    )
                )
                results.append(figures(f"closed loop (saturation), batches of {batch}", stats))
        report(results, stored, args, log_dir)
    finally:
        procs.stop()


def stored_positions(base: str, merchant: dict[str, str], sent_until: float) -> dict:
    """After the load: how many agents have a stored last position, and how far behind the last point sent the
    newest one is (the service's buffer writes every `location_flush_seconds`)."""
    time.sleep(1.5)
    agents = httpx.get(f"{base}{API}/agents", headers=merchant, timeout=10).json()["items"]
    ats = [a["lastPosition"]["at"] for a in agents if a.get("lastPosition")]
    newest = max((datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() for at in ats), default=0.0)
    return {
        "agents": len(agents),
        "with_position": len(ats),
        "newest_behind_s": round(sent_until - newest, 2),
    }


def report(results: list[dict], stored: dict, args, log_dir: Path) -> None:
    if args.json:
        doc = {
            "bench": "location",
            "agents": args.agents,
            "cores": os.cpu_count(),
            "runs": results,
            "stored": stored,
        }
        print(json.dumps(doc))
        return
    print(
        f"\nLocation ingestion: {args.agents} agents, one delivery process, {os.cpu_count()} cores, loopback"
    )
    print(
        f"{'run':<52} {'offered/s':>9} {'req/s':>8} {'updates/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  statuses"
    )
    for r in results:
        offered = f"{r['offered_updates_per_s']:.0f}" if r["offered_updates_per_s"] else "-"
        print(
            f"{r['run']:<52} {offered:>9} {r['requests_per_s']:>8.0f} {r['updates_per_s']:>10.0f} "
            f"{r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f}  {r['statuses']} errors={r['errors']}"
        )
    print(
        f"stored last positions after the single-point runs: {stored['with_position']} of {stored['agents']} agents, "
        f"the newest {stored['newest_behind_s']} s behind the last point sent"
    )
    print("target: >= 1,000 updates/s with p99 <= 50 ms (the brief: 100+/s); logs in", log_dir)


if __name__ == "__main__":
    main()
