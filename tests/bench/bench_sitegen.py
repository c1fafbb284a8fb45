"""`make bench`, store generation (issue 4): prompt → preview ready, p50/p95 over 20 different prompts across the
8 sectors, one after the other, by one merchant through the gateway.

- offline: the local default (no model configured: the deterministic offline generator does every stage), on
  the shared platform (auth, sitegen, catalog, orders: the catalog and orders import each generated store while
  the next one is generated, as they would).
- Bedrock stand-in: a second platform (auth, sitegen) whose sitegen has WEBDPRO_TEXT_MODEL_IDS /
  WEBDPRO_IMAGE_MODEL_IDS set and WEBDPRO_BEDROCK_ENDPOINT_URL pointing at `python -m webdpro_local.bedrock`
  started with WEBDPRO_BEDROCK_LATENCY_MS (every model answer waits that long: text stages and every image).

"Preview ready" = POST /api/sitegen/stores answered 202, then GET /api/sitegen/stores/{id} (every 50 ms) is
DRAFT, then its previewUrl answers 200 through the gateway. Stage times come from the progress events' server
timestamps, relative to the store's createdAt. The daily generation cap is raised for the run
(WEBDPRO_DAILY_GENERATION_CAP), as the auth section raises the gateway's rate limit.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from flows import BenchError, detach_absent_consumers, generate, pct

from webdpro_local.procs import free_port

# (sector the prompt is meant for, prompt): 20 prompts over the 8 sectors, one in Hindi.
PROMPTS: list[tuple[str, str]] = [
    ("grocery", "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"),  # noqa: RUF001
    ("grocery", "Annapurna Kirana store in Pune: rice, atta, dal, oil and spices, UPI and cash on delivery"),
    ("grocery", "राम किराना, पटना — ताज़ी सब्ज़ियाँ, फल और राशन, होम डिलीवरी, कैश ऑन डिलीवरी"),
    ("restaurant", "Spice Route, North Indian restaurant in Delhi: thali, biryani and tandoori, delivery"),
    ("restaurant", "Udupi Sagar pure veg South Indian restaurant in Chennai, dosa, idli and filter coffee"),
    ("restaurant", "Momo Junction in Darjeeling, Tibetan momos and thukpa, takeaway and delivery, red theme"),
    ("bakery", "Sharma Bakers in Jaipur: birthday cakes, cookies and fresh bread every morning"),
    ("bakery", "Bake My Day, eggless cakes, cupcakes and brownies in Ahmedabad, pastel pink theme"),
    (
        "clinic",
        "Dr. Mehta's dental clinic in Andheri, check-ups, cleaning and root canal, book a slot online",
    ),
    ("clinic", "Arogya family clinic in Lucknow, general physician and child specialist appointments"),
    ("pharmacy", "Jeevan Medicals pharmacy in Indore: prescription medicines, vitamins and baby care"),
    ("pharmacy", "CarePlus chemist in Hyderabad, medicines, first aid and diabetes care, home delivery"),
    ("pharmacy", "Sanjeevani pharmacy in Kochi, generic medicines and health supplements, UPI accepted"),
    ("fashion", "Kala Threads, handloom sarees and cotton kurtas from Varanasi, online brand, sizes S to XL"),
    ("fashion", "Urban Desi, streetwear t-shirts and hoodies, online brand from Bengaluru, black theme"),
    ("fashion", "Jaipur Juttis, handmade leather juttis and mojaris in all sizes, shipped across India"),
    ("electronics", "TechBazaar in Nehru Place Delhi: mobile phones, chargers, earphones and smartwatches"),
    ("electronics", "Gadget Ghar in Surat, laptops, printers and accessories with warranty, blue theme"),
    ("salon", "Glow Unisex Salon in Kochi: haircuts, facials, hair colour and bridal makeup by appointment"),
    ("salon", "Sharp Cuts barber shop in Chandigarh, haircut, beard trim and head massage, book a slot"),
]

TEXT_MODELS = "amazon.nova-pro-v1:0,meta.llama3-70b-instruct-v1:0,anthropic.claude-3-haiku-20240307-v1:0"
IMAGE_MODELS = "amazon.titan-image-generator-v2:0,stability.stable-diffusion-xl-v1"
STAGES = ("brief", "copy", "catalog", "images", "site", "ready")


def run_pass(
    gw: httpx.Client, merchant: dict[str, str], count: int, label: str, concurrency: int = 1
) -> list[dict[str, Any]]:
    """`count` prompts (cycling through PROMPTS), `concurrency` in flight at a time (each its own client)."""
    jobs = [(i, *PROMPTS[i % len(PROMPTS)]) for i in range(count)]

    def one(job: tuple[int, str, str], client: httpx.Client) -> dict[str, Any]:
        i, sector, prompt = job
        print(f"generate ({label}) {i + 1}/{count}: {sector} ...", flush=True)
        res = generate(client, merchant, prompt)
        res["wanted_sector"] = sector
        return res

    if concurrency <= 1:
        return [one(job, gw) for job in jobs]

    def lane(mine: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
        with httpx.Client(base_url=gw.base_url, timeout=gw.timeout) as client:
            return [one(job, client) for job in mine]

    with ThreadPoolExecutor(concurrency) as pool:
        lanes = [pool.submit(lane, jobs[k::concurrency]) for k in range(concurrency)]
        return [r for f in lanes for r in f.result()]


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    secs = [r["seconds"] for r in results]
    stage_p50 = {}
    for stage in STAGES:
        values = [r["stages"][stage] for r in results if stage in r["stages"]]
        if values:
            stage_p50[stage] = statistics.median(values)
    return {
        "n": len(results),
        "p50": statistics.median(secs),
        "p95": pct(secs, 0.95),
        "max": max(secs),
        "accept_p50_ms": statistics.median(r["accept_ms"] for r in results),
        "stages_p50": stage_p50,
        "sectors": Counter(r["sector"] for r in results),
        "missed": [(r["wanted_sector"], r["sector"]) for r in results if r["sector"] != r["wanted_sector"]],
        "preview_kb_p50": statistics.median(r["preview_bytes"] for r in results) / 1024,
    }


def start_standin(procs: Any, env: dict[str, str], port: int, latency_ms: int) -> tuple[Any, str]:
    """`python -m webdpro_local.bedrock` in run.py's Procs (own process group, parent-death signal)."""
    standin_env = {
        **env,
        "WEBDPRO_BEDROCK_PORT": str(port),
        "WEBDPRO_BEDROCK_LATENCY_MS": str(latency_ms),
    }
    proc = procs.start("bedrock", [sys.executable, "-m", "webdpro_local.bedrock"], standin_env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(
                f"the Bedrock stand-in exited with {proc.returncode}: {procs.log_tail('bedrock', 5)}"
            )
        try:
            if httpx.get(f"{url}/_health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise BenchError("the Bedrock stand-in did not come up within 30s")


def model_calls(standin_url: str) -> Counter:
    r = httpx.get(f"{standin_url}/_calls", timeout=10)
    r.raise_for_status()
    return Counter(
        f"{c['operation']} {'ok' if c.get('status') == 200 else c.get('status')}" for c in r.json()["calls"]
    )


def bedrock_section(
    procs: Any,
    platform_env: Callable[[dict[str, str]], dict[str, str]],
    start_platform: Callable[..., Any],
    login_merchant: Callable[[httpx.Client], dict[str, str]],
    count: int,
    latency_ms: int,
    log_dir: Path,
    concurrency: int = 1,
) -> tuple[list[dict[str, Any]], Counter]:
    standin, standin_url = start_standin(procs, dict(os.environ), free_port(), latency_ms)
    try:
        return _bedrock_pass(
            platform_env, start_platform, login_merchant, count, latency_ms, log_dir, standin_url, concurrency
        )
    finally:
        procs.stop(standin)


def _bedrock_pass(
    platform_env: Callable[[dict[str, str]], dict[str, str]],
    start_platform: Callable[..., Any],
    login_merchant: Callable[[httpx.Client], dict[str, str]],
    count: int,
    latency_ms: int,
    log_dir: Path,
    standin_url: str,
    concurrency: int,
) -> tuple[list[dict[str, Any]], Counter]:
    env = platform_env(
        {
            "WEBDPRO_TEXT_MODEL_IDS": TEXT_MODELS,
            "WEBDPRO_IMAGE_MODEL_IDS": IMAGE_MODELS,
            "WEBDPRO_BEDROCK_ENDPOINT_URL": standin_url,
        }
    )
    print(f"platform (auth, sitegen → Bedrock stand-in at {latency_ms} ms per call) ...", flush=True)
    with (
        start_platform(
            env, services=["auth", "sitegen"], log_dir=log_dir / "platform-bedrock", quiet=True
        ) as p,
        httpx.Client(base_url=p.gateway_url, timeout=60) as gw,
    ):
        detach_absent_consumers(p.aws_url, ["auth", "sitegen"])
        merchant = login_merchant(gw)
        results = run_pass(gw, merchant, count, f"Bedrock stand-in {latency_ms} ms", concurrency)
    return results, model_calls(standin_url)


def report(
    offline: dict[str, Any] | None, bedrock: dict[str, Any] | None, extra: dict[str, Any]
) -> list[str]:
    lines = ["store generation (issue 4): prompt → DRAFT → preview 200, through the gateway, one merchant"]

    def row(name: str, s: dict[str, Any], target: str = "") -> None:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in s["stages_p50"].items())
        lines.append(
            f"  {name:<34} n={s['n']:<3} p50 {s['p50']:.2f} s  p95 {s['p95']:.2f} s  max {s['max']:.2f} s{target}"
        )
        lines.append(
            f"    stage reached, p50 s after createdAt: {stages}; POST 202 p50 {s['accept_p50_ms']:.0f} ms"
        )

    if offline:
        verdict = "meets" if offline["p50"] <= 2.0 else "MISSES"
        row("offline generator, 1 at a time", offline, f"  ({verdict} the p50 <= 2 s target)")
        sectors = ", ".join(f"{k} {v}" for k, v in sorted(offline["sectors"].items()))
        lines.append(f"    sectors detected: {sectors}; home page p50 {offline['preview_kb_p50']:.1f} KB")
        if offline["missed"]:
            lines.append(f"    prompt meant for → detected: {offline['missed']}")
        if extra.get("sitegen_aws"):
            lines.append(f"    {extra['sitegen_aws']}")
    if bedrock:
        at_once = extra.get("bedrock_concurrency", 1)
        row(f"stand-in {extra['latency_ms']} ms/call, {at_once} at a time", bedrock)
        calls = extra.get("model_calls") or Counter()
        per = ", ".join(f"{k} {v / max(1, bedrock['n']):.1f}" for k, v in sorted(calls.items()))
        lines.append(
            f"    model calls per generation: {per} (3 text stages one after another; images 4 at a time per store)"
        )
    return lines
