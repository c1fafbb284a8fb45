"""`make bench`, checkout (issue 5): the orders and catalog services as real processes on the shared platform,
every request through the gateway, COD (CONFIRMED at once: the whole checkout, no payment step).

1. AWS calls per checkout. The orders, catalog (and sitegen) processes start with tests/bench/awscalls on
   PYTHONPATH: Python imports its sitecustomize.py at start-up, which registers botocore `before-call` /
   `after-call` hooks on every aiobotocore session of the process and wraps webdpro_http's request middleware,
   so each AWS API call is written to a file with its duration, the request it was made for and whether that
   request's task was waiting for it (the services' code is not changed). N checkouts, one at a time: critical path = the calls awaited inside the
   orders checkout request plus those inside the catalog reservation request it makes (the customer waits for
   both). Calls the same requests leave running after the answer, and the asynchronous work the events cause
   (consumers, outbox relay: calls outside any request, over the idle rate measured just before), are shown
   apart. Counting the emulator's requests instead could not tell a checkout's calls from the consumers' long
   polls and the outbox relays' scans that run at the same time.
2. Load: loadgen.py --plan in its own process, closed loop, a new Idempotency-Key per request, the warm-up
   flowing straight into the measured period, distinct customers (one phone each, logged in by OTP from
   distinct client addresses). Not wrk: each wrk run starts every connection cold and drops the requests in
   flight when it ends, which at checkout latencies of seconds leaves a 5 s run nearly empty (and the dropped
   ones still loading the next run); at tens of checkouts/s the Python client's CPU does not matter.
   - 1 buyer, one product: latency p50/p99 and checkouts/s;
   - 50 buyers spread over the store's products: p50/p99 and throughput;
   - 50 buyers of ONE product (hot product): goodput (201s per second) and what the others got.
   Stock is set high first (merchant API) so nothing sells out; between runs the event queues are left to
   drain. The CPU each process spent per checkout (from /proc, warm-up + run + event processing, divided by
   the units the catalog reserved) shows where the time goes.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from flows import BenchError, generate, pct, people, sqs_sns

BENCH = Path(__file__).resolve().parent
HOOK_DIR = BENCH / "awscalls"
GROCERY = "Curam – fresh vegetables, Mumbai, local delivery, cash + UPI, green theme"  # noqa: RUF001
ADDRESS = {"name": "Bench Buyer", "line1": "12 Hill Road, Bandra West", "city": "Mumbai", "pincode": "400050"}
STOCK_ADDED = 200_000  # every product's stock is set to this first, so nothing sells out
CHECKOUT_RE = re.compile(r"^POST /api/orders/stores/[^/]+/checkout$")
RESERVE_RE = re.compile(r"^POST /api/catalog/internal/stores/[^/]+/reservations$")


def hook_env(calls_dir: Path, services: str, base: dict[str, str]) -> dict[str, str]:
    """What makes the platform's service processes load the counter (awscalls/sitecustomize.py)."""
    calls_dir.mkdir(parents=True, exist_ok=True)
    prior = base.get("PYTHONPATH", "")
    return {
        "PYTHONPATH": f"{HOOK_DIR}:{prior}" if prior else str(HOOK_DIR),
        "WEBDPRO_BENCH_AWS_CALLS": str(calls_dir),
        "WEBDPRO_BENCH_AWS_SERVICES": services,
    }


# ------------------------------------------------------------------------------------------ the call log


def read_calls(calls_dir: Path) -> list[tuple[float, str, str, str, str, str, str, float]]:
    """(start time, service, event, where, request key, request label, operation, ms), every process's file."""
    rows = []
    for path in calls_dir.glob("*.tsv"):
        service = path.name.split(".", 1)[0]
        for line in path.read_text().splitlines():
            p = line.split("\t")
            if len(p) == 7:
                rows.append((float(p[0]), service, p[1], p[2], p[3], p[4], p[5], float(p[6])))
    return rows


def count_checkout_calls(
    calls_dir: Path, since: float, idle: tuple[float, float], drained_at: float, n: int
) -> dict[str, Any]:
    """AWS calls of the `n` checkouts made one at a time from `since`; the asynchronous ones until `drained_at`,
    over the idle rate of background calls measured in `idle`."""
    rows = read_calls(calls_dir)
    per_request: dict[tuple[str, str], list[tuple[str, str, str, float]]] = defaultdict(list)
    for ts, service, event, where, key, label, op, ms in rows:
        if since <= ts <= drained_at and (CHECKOUT_RE.match(label) or RESERVE_RE.match(label)):
            per_request[(service, key)].append((event, where, op, ms))
    orders = [v for (svc, _), v in per_request.items() if svc == "orders"]
    catalog = [v for (svc, _), v in per_request.items() if svc == "catalog"]

    def mean_ops(groups: list, wheres: set[str], event: str = "call") -> Counter:
        total: Counter = Counter()
        for g in groups:
            total.update(op for e, w, op, _ in g if e == event and w in wheres)
        return Counter({k: v / max(1, len(groups)) for k, v in total.items()})

    def mean_ms(groups: list) -> float:
        return sum(ms for g in groups for e, w, _, ms in g if e == "call" and w == "req") / max(
            1, len(groups)
        )

    crit_orders = mean_ops(orders, {"req"})
    crit_catalog = mean_ops(catalog, {"req"})
    sends = sum(mean_ops(orders, {"req"}, "send").values()) + sum(mean_ops(catalog, {"req"}, "send").values())
    left_running = mean_ops(orders, {"spawned", "after"}) + mean_ops(catalog, {"spawned", "after"})
    call_ms = [ms for g in per_request.values() for e, w, _, ms in g if e == "call" and w == "req"]

    # Asynchronous work: calls outside any request in orders and catalog, over their idle rate.
    def background(a: float, b: float) -> Counter:
        return Counter(
            f"{svc} {op}"
            for ts, svc, event, where, _, _, op, _ in rows
            if a <= ts < b and event == "call" and where == "bg" and svc in ("orders", "catalog")
        )

    idle_span = max(0.001, idle[1] - idle[0])
    busy_span = drained_at - since
    idle_calls, busy_calls = background(*idle), background(since, drained_at)
    async_ops = Counter()
    for k in busy_calls:
        extra = (busy_calls[k] - idle_calls[k] * busy_span / idle_span) / n
        if extra >= 0.05:
            async_ops[k] = extra
    return {
        "checkouts": len(orders),
        "reservations": len(catalog),
        "orders": crit_orders,
        "catalog": crit_catalog,
        "critical": sum(crit_orders.values()) + sum(crit_catalog.values()),
        "orders_ms": mean_ms(orders),
        "catalog_ms": mean_ms(catalog),
        "attempts": sends,
        "left_running": left_running,
        "async": async_ops,
        "idle_rate": sum(idle_calls.values()) / idle_span,
        "call_ms_p50": statistics.median(call_ms) if call_ms else 0.0,
    }


def count_generation_calls(calls_dir: Path, window: tuple[float, float]) -> str:
    """AWS calls per generation in sitegen: inside POST /api/sitegen/stores and in the pipeline it starts."""
    rows = [r for r in read_calls(calls_dir) if r[1] == "sitegen" and window[0] <= r[0] <= window[1]]
    groups: dict[str, Counter] = defaultdict(Counter)
    for _, _, event, where, key, label, op, _ in rows:
        if event == "call" and label == "POST /api/sitegen/stores":
            groups[key][("awaited" if where == "req" else "pipeline", op)] += 1
    if not groups:
        return ""
    n = len(groups)
    awaited = sum(v for g in groups.values() for (w, _), v in g.items() if w == "awaited") / n
    pipeline: Counter = Counter()
    for g in groups.values():
        pipeline.update({op: v for (w, op), v in g.items() if w == "pipeline"})
    top = ", ".join(f"{op} {v / n:.1f}" for op, v in pipeline.most_common(6))
    return (
        f"AWS calls per generation (sitegen, botocore hook): {awaited:.1f} in the POST, "
        f"{sum(pipeline.values()) / n:.1f} in the pipeline ({top})"
    )


# ----------------------------------------------------------------------------------------------- helpers


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            todo += [int(x) for x in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            pass
    return out


def cpu_seconds(children: dict[str, Any]) -> dict[str, float]:
    """CPU time (user + system) so far of each platform child with its process tree (granian workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name, child in children.items():
        total = 0.0
        for pid in _tree(child.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        out[name] = total
    # The load generator: this script's children that have been waited for (the loadgen.py runs).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["load generator"] = usage.ru_utime + usage.ru_stime
    return out


def units(gw: httpx.Client, merchant: dict[str, str], store_id: str) -> int:
    """Units reserved so far (every checkout reserves 1): stock added by the bench minus what is available."""
    r = gw.get(f"/api/catalog/stores/{store_id}/products", params={"limit": 100}, headers=merchant)
    if r.status_code != 200:
        raise BenchError(f"merchant product list: {r.status_code} {r.text[:300]}")
    return sum(STOCK_ADDED - int(p["available"]) for p in r.json()["items"] if p.get("mode") == "stock")


def body(product_id: str) -> str:
    items = [{"productId": product_id, "quantity": 1}]
    return json.dumps(
        {"items": items, "paymentMethod": "COD", "deliveryAddress": ADDRESS}, separators=(",", ":")
    )


def drain(aws_url: str, timeout: float = 30.0) -> float:
    """Wait until no SQS queue (dead-letter queues aside) holds messages; → seconds waited."""
    sqs, _ = sqs_sns(aws_url)
    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < timeout:
        urls = [u for u in sqs.list_queues().get("QueueUrls", []) if "dlq" not in u.lower()]
        waiting = 0
        for url in urls:
            attrs = sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            waiting += int(attrs["ApproximateNumberOfMessages"]) + int(
                attrs["ApproximateNumberOfMessagesNotVisible"]
            )
        quiet = quiet + 1 if waiting == 0 else 0
        if quiet >= 2:
            break
        time.sleep(0.25)
    return time.monotonic() - started


def load_run(
    load: Any,
    url: str,
    variants: list[tuple[str, str]],
    connections: int,
    name: str,
    seconds: float,
    warmup: float,
) -> dict:
    """One closed-loop run of POST checkouts by loadgen.py --plan (warm-up flowing into the measured period);
    → rps, goodput (201/s), p50/p99 ms, statuses, requests, errors, seconds."""
    plan = {
        "method": "POST",
        "headers": [["Content-Type", "application/json"]],
        "variants": [{"headers": [["Authorization", a]], "body": b} for a, b in variants],
        "unique_header": "Idempotency-Key",
        "unique_prefix": f"{name}-{uuid.uuid4().hex[:10]}-",
    }
    plan_file = load.procs.log_dir / f"{name}.plan.json"
    plan_file.write_text(json.dumps(plan))
    argv = [
        sys.executable, str(BENCH / "loadgen.py"), url, "-c", str(connections), "-d", str(seconds),
        "-w", str(warmup), "--plan", str(plan_file),
    ]  # fmt: skip
    res = json.loads(load._run(name, argv, seconds + warmup + 30))
    res["rps"] = res["requests"] / res["seconds"] if res["seconds"] else 0.0
    res["goodput"] = res["statuses"].get("201", 0) / res["seconds"] if res["seconds"] else 0.0
    return res


# ------------------------------------------------------------------------------------------------- the run


def run(
    gw: httpx.Client,
    merchant: dict[str, str],
    aws_url: str,
    calls_dir: Path,
    load: Any,
    *,
    children: dict[str, Any] | None = None,
    buyers: int = 50,
    counted: int = 20,
    seconds: float = 8.0,
    warmup: float = 3.0,
) -> dict[str, Any]:
    print("checkout: generating a grocery store and waiting for the catalog to import it ...", flush=True)
    store = generate(gw, merchant, GROCERY)
    store_id = store["store_id"]
    # The import writes product by product: wait until the merchant's list stops growing.
    deadline = time.monotonic() + 30
    products: list[dict] = []
    seen: list[int] = []
    while time.monotonic() < deadline and not (len(seen) >= 4 and seen[-1] == seen[-4] > 0):
        r = gw.get(f"/api/catalog/stores/{store_id}/products", params={"limit": 100}, headers=merchant)
        products = (r.json().get("items") or []) if r.status_code == 200 else []
        seen.append(len(products))
        time.sleep(0.25)
    products = [p for p in products if p.get("mode") == "stock"]
    if not products:
        raise BenchError(f"the catalog imported no stock-counted product for {store_id}")
    for p in products:
        r = gw.post(
            f"/api/catalog/stores/{store_id}/products/{p['productId']}/stock",
            json={"delta": STOCK_ADDED - int(p["available"]), "reason": "bench"},
            headers=merchant,
        )
        if r.status_code != 200:
            raise BenchError(f"raising stock of {p['productId']}: {r.status_code} {r.text[:300]}")
    print(f"checkout: {buyers} customers log in (distinct phones and client addresses) ...", flush=True)
    customers = people(gw, buyers, "CUSTOMER", tag=60)
    path = f"/api/orders/stores/{store_id}/checkout"
    hot = products[0]["productId"]

    def checkout(i: int, product_id: str, key: str, rid: str) -> httpx.Response:
        return gw.post(
            path,
            content=body(product_id),
            headers={
                **customers[i % len(customers)],
                "content-type": "application/json",
                "idempotency-key": key,
                "x-request-id": rid,
            },
        )

    # The orders service learns the store from the same store.generated event: wait for it.
    deadline = time.monotonic() + 30
    while True:
        r = checkout(0, hot, f"probe-{uuid.uuid4().hex[:8]}", "bench-probe")
        if r.status_code == 201:
            break
        if time.monotonic() > deadline:
            raise BenchError(f"checkout never succeeded: {r.status_code} {r.text[:300]}")
        time.sleep(0.2)

    print(f"checkout: {counted} checkouts one at a time, AWS calls counted ...", flush=True)
    drain(aws_url)
    idle_start = time.time()
    time.sleep(3.0)
    idle = (idle_start, time.time())
    t0 = time.time()
    latencies = []
    for i in range(counted):
        started = time.perf_counter()
        r = checkout(
            i, products[i % len(products)]["productId"], f"count-{uuid.uuid4().hex}", f"bench-count-{i}"
        )
        latencies.append((time.perf_counter() - started) * 1e3)
        if r.status_code != 201:
            raise BenchError(f"counted checkout {i}: {r.status_code} {r.text[:300]}")
    drain(aws_url)
    time.sleep(1.0)
    calls = count_checkout_calls(calls_dir, t0, idle, time.time(), counted)
    calls["sequential_p50_ms"] = statistics.median(latencies)
    calls["sequential_p95_ms"] = pct(latencies, 0.95)

    url = f"{str(gw.base_url).rstrip('/')}{path}"
    auths = [c["authorization"] for c in customers]
    runs: list[tuple[str, int, dict]] = []
    plans = [
        ("1 buyer, one product", 1, [(auths[0], body(hot))]),
        (
            f"{buyers} buyers, {len(products)} products",
            buyers,
            [(auths[i], body(products[i % len(products)]["productId"])) for i in range(buyers)],
        ),
        (f"{buyers} buyers, ONE product (hot)", buyers, [(auths[i], body(hot)) for i in range(buyers)]),
    ]
    for n, (label, connections, variants) in enumerate(plans):
        print(f"load: checkout, {label} (c={connections}) ...", flush=True)
        cpu_before, sold_before = cpu_seconds(children or {}), units(gw, merchant, store_id)
        res = load_run(load, url, variants, connections, f"checkout-{n}", seconds, warmup)
        res["drain_s"] = drain(aws_url, timeout=60)
        # Warm-up, measured run and the event processing after it: all the CPU, all the checkouts (units).
        cpu_after, res["sold"] = cpu_seconds(children or {}), units(gw, merchant, store_id) - sold_before
        res["cpu"] = {k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after}
        runs.append((label, connections, res))
    timing = f"{warmup:g}s warm-up then {seconds:g}s measured"
    return {"calls": calls, "runs": runs, "products": len(products), "store_id": store_id, "timing": timing}


def report(result: dict[str, Any], client: str) -> list[str]:
    c = result["calls"]
    lines = ["checkout (issue 5): COD through the gateway, orders + catalog processes on the emulator"]
    verdict = "meets" if c["critical"] <= 3 else "MISSES"
    lines.append(
        f"  AWS calls per checkout on the critical path: {c['critical']:.1f}  ({verdict} the <= 3 target); "
        f"{c['checkouts']} checkouts one at a time, counted by botocore hooks in each process"
    )
    for svc in ("orders", "catalog"):
        ops = ", ".join(f"{op} {v:g}" for op, v in sorted(c[svc].items(), key=lambda kv: -kv[1]))
        lines.append(
            f"    {svc:<8} {sum(c[svc].values()):.1f} calls, {c[svc + '_ms']:.1f} ms waiting on them: {ops}"
        )
    if c["attempts"] > c["critical"] + 0.05:
        lines.append(f"    HTTP attempts incl. botocore retries: {c['attempts']:.1f}")
    if c["left_running"]:
        ops = ", ".join(f"{op} {v:.1f}" for op, v in c["left_running"].items())
        lines.append(f"    started by the request, not awaited: {ops}")
    if c["async"]:
        ops = ", ".join(f"{op} {v:.1f}" for op, v in sorted(c["async"].items(), key=lambda kv: -kv[1]))
        lines.append(
            f"    asynchronous, per checkout (events; over the idle {c['idle_rate']:.1f} calls/s): "
            f"{sum(c['async'].values()):.1f}: {ops}"
        )
    lines.append(
        f"    one at a time: p50 {c['sequential_p50_ms']:.1f} ms, p95 {c['sequential_p95_ms']:.1f} ms (httpx client); "
        f"one of their AWS calls p50 {c['call_ms_p50']:.1f} ms"
    )
    lines.append(f"  load: {client}, closed loop, new Idempotency-Key per request, {result['timing']}")
    lines.append(
        f"  {'run':<30} {'c':>3} {'req/s':>7} {'201/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
        f"{'CPU ms/co':>9}  statuses"
    )

    def cpu_per(r: dict) -> dict[str, float]:
        sold = r.get("sold", 0)
        return {k: v / sold * 1e3 for k, v in (r.get("cpu") or {}).items()} if sold > 0 else {}

    for label, connections, r in result["runs"]:
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(r["statuses"].items()))
        errors = f" errors:{r['errors']}" if r.get("errors") else ""
        cpu = sum(cpu_per(r).values())
        lines.append(
            f"  {label:<30} {connections:>3} {r['rps']:>7.1f} {r['goodput']:>7.1f} {r['p50_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['requests']:>9} {cpu:>9.1f}  {statuses}{errors}"
        )
    (_, _, one), *_, (_, many, hot) = result["runs"]
    if one["goodput"]:
        lines.append(
            f"  hot-product goodput: {hot['goodput']:.1f} checkouts/s with {many} buyers vs {one['goodput']:.1f} with "
            f"one (x{hot['goodput'] / one['goodput']:.2f}); the emulator serialises every DynamoDB request (one lock), "
            "so the per-item write conflicts real DynamoDB would answer (TransactionConflict, retried) do not show here"
        )
    label, _, spread = result["runs"][min(1, len(result["runs"]) - 1)]
    per = cpu_per(spread)
    if per:
        parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(per.items(), key=lambda kv: -kv[1]) if v >= 0.05)
        total = sum(per.values())
        cores = os.cpu_count() or 1
        lines.append(
            f"  CPU ms per checkout by process, {label} ({spread['sold']} checkouts incl. warm-up; their event "
            f"processing included): {parts}; total {total:.1f} → at most {cores * 1e3 / total:.0f} checkouts/s "
            f"on {cores} cores"
        )
    drains = ", ".join(f"{r['drain_s']:.1f}" for _, _, r in result["runs"])
    lines.append(f"  event queues drained after each run in (s): {drains}")
    return lines
