"""`make bench`: live store pages through the edge on loopback — requests/s, p50 and p99. Figures only, never
assertions.

    .venv/bin/python tests/bench/edge.py [--duration 10] [--connections 32]

Starts the emulator, sitegen and the gateway on free ports (webdpro_local.platform), writes a release of
`curam.localhost` and its host entry with the repository classes (SiteStorage.write_release, HostMap.claim +
switch — what the publish saga does), then loads `http://127.0.0.1:<gateway>/` with `Host: curam.localhost`:
the home page (Accept-Encoding: gzip, as a browser sends it) and a hashed stylesheet, each for --duration
seconds after a 2 s warm-up; then the same home page straight at sitegen's edge route (no gateway hop), so the
gateway's share shows. Every request after the first of each file is answered from sitegen's in-process caches
(host entry for 1 s, file bytes precompressed), so the figures are the serving path, not S3.

The load generator runs as its own process (one core for it, one for the servers): `wrk` when installed,
otherwise loadgen.py's raw-asyncio client (closed loop, keep-alive) with the Host header set here — `*.localhost`
names do not resolve on every machine, so the client connects to 127.0.0.1 and names the store in Host.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

HOST = "curam.localhost"
CSS = "assets/styles.3f2a9c1b.css"


def release_files() -> dict[str, bytes]:
    """A release the size of a generated store: a ~25 KB home page, a ~12 KB stylesheet, a script, a 404 page."""
    cards = "".join(
        f'<article class="card"><img src="/assets/p{i}.svg" alt="Fresh produce {i}" width="320" height="240">'
        f"<h3>Organic sabzi bundle {i}</h3><p>Hand-picked this morning from farms near Nashik; washed, packed "
        f'and delivered within the hour.</p><p class="price">₹{40 + i * 5}</p>'
        f'<button data-add="prd_{i:04d}">Add to cart</button></article>'
        for i in range(40)
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Curam — fresh vegetables, Mumbai'
        f'</title><link rel="stylesheet" href="/{CSS}"><script src="/assets/app.9b1c2d3e4f.js" defer></script>'
        f"</head><body><header><h1>Curam</h1></header><main>{cards}</main></body></html>"
    )
    css = "".join(f".c{i}{{color:#14532d;margin:{i % 7}px;padding:{i % 5}px}}\n" for i in range(400))
    return {
        "index.html": page.encode(),
        "404.html": b"<h1>Not on our shelf</h1>",
        CSS: css.encode(),
        "assets/app.9b1c2d3e4f.js": b"document.querySelectorAll('[data-add]').forEach(b=>b.onclick=()=>0);"
        * 30,
    }


async def publish_directly(env: dict[str, str]) -> None:
    from sitegen.adapters.hosts import HostMap
    from sitegen.adapters.storage import SiteStorage
    from sitegen.settings import SitegenSettings
    from webdpro_aws.clients import AwsClients
    from webdpro_aws.dynamo import Table
    from webdpro_aws.manifest import Names, load_manifest
    from webdpro_core.settings import load

    settings = load(SitegenSettings, env)
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    clients = AwsClients(settings)
    try:
        table = Table(await clients.get("dynamodb"), names.table("sitegen"))
        await SiteStorage(clients, names.bucket("sites")).write_release("sto_bench_edge", 1, release_files())
        hosts = HostMap(table)
        await hosts.claim(
            HOST, tenant_id="tnt_bench", store_id="sto_bench_edge", kind="subdomain", hold_seconds=600
        )
        entry = await hosts.get(HOST, consistent=True)
        if entry is None or entry.get("version") is None:
            await hosts.switch(HOST, store_id="sto_bench_edge", from_version=None, to_version=1)
    finally:
        await clients.close()


def wrk_run(url: str, headers: list[str], connections: int, duration: float) -> dict:
    script = BENCH / "_edge_wrk.lua"
    script.write_text(
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format(\'{"requests":%d,"errors":%d,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f}\\n\',\n'
        "    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read\n"
        "    + summary.errors.write + summary.errors.timeout, summary.requests / (summary.duration / 1e6),\n"
        "    latency:percentile(50) / 1000, latency:percentile(99) / 1000))\nend\n"
    )
    try:
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{int(duration)}s", "-s", str(script), url]
        for h in headers:
            cmd += ["-H", h]
        subprocess.run([*cmd[:3], "-d2s", *cmd[4:]], capture_output=True, check=False)  # warm-up
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        script.unlink(missing_ok=True)


def measure(port: int, target: str, headers: list[str], connections: int, duration: float) -> dict:
    if shutil.which("wrk"):
        return wrk_run(f"http://127.0.0.1:{port}{target}", headers, connections, duration)
    # loadgen.py's raw-asyncio client in its own process (closed loop, keep-alive), the same Host header.
    argv = [sys.executable, str(BENCH / "loadgen.py"), f"http://127.0.0.1:{port}{target}"]
    argv += [f"-c{connections}", f"-d{duration}", "-w2"]
    for h in headers:
        argv += ["-H", h]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    return json.loads(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()

    from webdpro_local.platform import free_ports_env, start_platform

    env = {**free_ports_env(), "WEBDPRO_ENV": "test", "WEBDPRO_LOG_LEVEL": "WARNING"}
    print("edge: starting the emulator, sitegen and the gateway ...", flush=True)
    with start_platform(env, services=["sitegen"], quiet=True, timeout=90) as p:
        asyncio.run(publish_directly(p.env))
        gw_port = int(p.env["WEBDPRO_GATEWAY_PORT"])
        sitegen_port = int(p.service_urls["sitegen"].rsplit(":", 1)[1])
        browser = [f"Host: {HOST}", "Accept: text/html", "Accept-Encoding: gzip, deflate, br"]
        runs = [
            ("home page (gzip) via gateway", gw_port, "/", browser),
            ("hashed asset (gzip) via gateway", gw_port, f"/{CSS}", browser),
            (
                "home page (gzip) straight at sitegen",
                sitegen_port,
                "/api/sitegen/edge/",
                [f"Host: 127.0.0.1:{sitegen_port}", f"X-Forwarded-Host: {HOST}", *browser[1:]],
            ),
        ]
        print(
            f"\nWebdPro bench — live store pages through the edge (loopback, 2 cores, {args.connections} "
            f"keep-alive connections, {args.duration:.0f} s each, {'wrk' if shutil.which('wrk') else 'loadgen'})"
        )
        for name, port, target, headers in runs:
            r = measure(port, target, headers, args.connections, args.duration)
            statuses = r.get("statuses", {})
            print(
                f"  {name:38s} {r['rps']:8.0f} req/s   p50 {r['p50_ms']} ms   p99 {r['p99_ms']} ms"
                f"   errors {r['errors']}" + (f"   statuses {statuses}" if statuses else ""),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
