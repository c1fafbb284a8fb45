"""`make bench`: an event published → its row visible in the founder's audit log (GET /api/admin/audit), on the
local platform (auth for the founder's login, admin; the AWS emulator). Figures only, never assertions.

    .venv/bin/python tests/bench/audit_latency.py [--events 200] [--burst 200] [--reporting-dsn postgresql://…]

Sequential: publish one event on the orders topic (SNS → the admin queue → the admin consumer → the reporting
database), then poll the audit route every 5 ms for its row; p50/p99 over `--events`. Burst: publish `--burst`
events at once and time until the last is visible (throughput of the consumer). The reporting database is the
embedded SQLite (a temp file) unless --reporting-dsn is given.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from flows import login, pct

from webdpro_aws.clients import AwsClients
from webdpro_aws.manifest import Names, load_manifest
from webdpro_core.settings import BaseSettings, load
from webdpro_events import SnsPublisher, new_event, topic_arn
from webdpro_local.platform import free_ports_env, start_platform


async def run(gateway: str, env: dict[str, str], founder: dict[str, str], events: int, burst: int) -> None:
    settings = load(BaseSettings, environ=env)
    clients = AwsClients(settings)
    names = Names(load_manifest(), settings.resource_prefix)
    arn = await topic_arn(clients, names.topic("orders"), settings.aws_region)
    sns = SnsPublisher(await clients.get("sns"), arn)
    tenant, store = "tnt_bench", f"sto_bench_{int(time.time())}"
    async with httpx.AsyncClient(base_url=gateway, timeout=30, headers=founder) as gw:

        async def visible(event_id: str | None) -> int:
            params = {"storeId": store, "limit": 200}
            items = (await gw.get("/api/admin/audit", params=params)).json()["items"]
            return sum(1 for i in items if event_id is None or i["eventId"] == event_id)

        def probe(seq: int):
            data = {
                "tenant_id": tenant,
                "store_id": store,
                "order_id": f"ord_bench_{seq}",
                "amount_paise": 100,
            }
            return new_event("order.accepted", data, tenant_id=tenant, source="orders")

        # warm-up: the consumer's first long poll, the connection pools
        for i in range(5):
            e = probe(-i - 1)
            await sns.publish(e)
            while not await visible(e.id):
                await asyncio.sleep(0.005)

        latencies: list[float] = []
        for i in range(events):
            e = probe(i)
            t0 = time.perf_counter()
            await sns.publish(e)
            while not await visible(e.id):
                await asyncio.sleep(0.005)
            latencies.append((time.perf_counter() - t0) * 1000)
        print(
            f"audit latency (published → audit row visible), {events} events one at a time: "
            f"p50 {pct(latencies, 0.5):.0f} ms, p99 {pct(latencies, 0.99):.0f} ms, "
            f"mean {statistics.fmean(latencies):.0f} ms, max {max(latencies):.0f} ms",
            flush=True,
        )

        if burst:
            store = f"{store}_burst"
            batch = [probe(10_000 + i) for i in range(burst)]
            t0 = time.perf_counter()
            await asyncio.gather(*(sns.publish(e) for e in batch))
            published = time.perf_counter() - t0
            while await visible(None) < burst:
                await asyncio.sleep(0.02)
            took = time.perf_counter() - t0
            print(
                f"audit burst: {burst} events published in {published * 1000:.0f} ms, all in the audit log after "
                f"{took * 1000:.0f} ms ({burst / took:.0f} events/s)",
                flush=True,
            )
    await clients.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=200)
    ap.add_argument("--burst", type=int, default=200)
    ap.add_argument("--reporting-dsn", default="")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="admin-bench-") as tmp:
        env = {
            **free_ports_env(),
            "WEBDPRO_ENV": "test",
            "WEBDPRO_LOG_LEVEL": "WARNING",
            "WEBDPRO_REPORTING_PATH": str(Path(tmp) / "admin.sqlite3"),
            "WEBDPRO_REPORTING_DSN": args.reporting_dsn,
        }
        db = "PostgreSQL" if args.reporting_dsn else "SQLite"
        print(f"audit latency: starting auth, admin (reporting database: {db}) ...", flush=True)
        with start_platform(env, services=["auth", "admin"], quiet=True, timeout=90) as p:
            with httpx.Client(base_url=p.gateway_url, timeout=30) as gw:
                founder = login(gw, "founder@webdpro.in", "SUPER_ADMIN", "10.78.0.1")
            asyncio.run(run(p.gateway_url, p.env, founder, args.events, args.burst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
