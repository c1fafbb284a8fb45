"""The local ACM DNS-validation finisher: issues a certificate the way ACM does in AWS — once its validation
records are in DNS.

In AWS, a certificate requested with `ValidationMethod=DNS` stays PENDING_VALIDATION until every
`DomainValidationOptions[].ResourceRecord` CNAME resolves, then ACM issues it. The AWS emulator (moto) would instead
flip it to ISSUED after a fixed wait without looking at DNS; our emulator sets that wait to ten years
(MOTO_ACM_VALIDATION_WAIT) and this loop does the AWS thing:

every WEBDPRO_ACM_VALIDATION_INTERVAL_SECONDS (default 2):
  for each PENDING_VALIDATION certificate (in us-east-1, where CloudFront's certificates live, and the platform's
  region): for each validation record, find the hosted zone(s) in the emulator's Route 53 whose name covers the
  record (the longest match) and look for a CNAME with that name and value. When every record is there, the
  certificate is issued through the emulator's control endpoint `POST /_local/acm/issue {"arn"}`.

It runs as its own process next to the scheduler (`python -m webdpro_local.acm_validation`), started by the local
platform when sitegen runs. It is never part of product code: sitegen only requests the certificate, writes the
records and waits, exactly as in AWS. Tests call `finish_pending(...)` directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterable
from typing import Any

import httpx
import msgspec

from webdpro_aws.clients import AwsClients
from webdpro_local.settings import LocalSettings, load_local

ISSUE_PATH = "/_local/acm/issue"
DEFAULT_INTERVAL = 2.0


def _fqdn(name: str) -> str:
    return name.strip().lower().rstrip(".") + "."


def covering_zones(record_name: str, zones: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The public hosted zones with the longest name that `record_name` is in (or equals). In AWS only the zone
    the registrar delegates to answers; the emulator may hold several zones of one name (tests, retried
    publications), so a record in any of them counts."""
    name = _fqdn(record_name)
    best: list[dict[str, Any]] = []
    for z in zones:
        if z.get("Config", {}).get("PrivateZone"):
            continue
        zone_name = _fqdn(z["Name"])
        if not (name == zone_name or name.endswith("." + zone_name)):
            continue
        if not best or len(zone_name) > len(_fqdn(best[0]["Name"])):
            best = [z]
        elif len(zone_name) == len(_fqdn(best[0]["Name"])):
            best.append(z)
    return best


def record_present(records: Iterable[dict[str, Any]], name: str, value: str) -> bool:
    want_name, want_value = _fqdn(name), _fqdn(value)
    return any(
        _fqdn(r.get("Name", "")) == want_name
        and r.get("Type") == "CNAME"
        and any(_fqdn(v.get("Value", "")) == want_value for v in r.get("ResourceRecords", []))
        for r in records
    )


class Finisher:
    """One pass = `run_once()`: the ARNs it issued. `regions`: where to look for certificates."""

    def __init__(self, settings: LocalSettings, regions: Iterable[str] | None = None) -> None:
        self.settings = settings
        wanted = list(dict.fromkeys([*(regions or ["us-east-1", settings.aws_region])]))
        self._clients = {
            r: AwsClients(msgspec.structs.replace(settings, aws_region=r)) for r in dict.fromkeys(wanted)
        }
        self._http = httpx.AsyncClient(base_url=settings.emulator_url, timeout=5.0, trust_env=False)

    async def close(self) -> None:
        await self._http.aclose()
        for c in self._clients.values():
            await c.close()

    async def __aenter__(self) -> Finisher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _zones(self) -> list[dict[str, Any]]:
        r53 = await next(iter(self._clients.values())).get("route53")
        zones: list[dict[str, Any]] = []
        async for page in r53.get_paginator("list_hosted_zones").paginate():
            zones.extend(page.get("HostedZones", []))
        return zones

    async def _records(self, zone_id: str, cache: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        if zone_id not in cache:
            r53 = await next(iter(self._clients.values())).get("route53")
            records: list[dict[str, Any]] = []
            async for page in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
                records.extend(page.get("ResourceRecordSets", []))
            cache[zone_id] = records
        return cache[zone_id]

    async def validated(self, cert: dict[str, Any], zones: list[dict[str, Any]], cache: dict) -> bool:
        options = [o for o in cert.get("DomainValidationOptions") or [] if o.get("ValidationMethod") == "DNS"]
        if not options:
            return False
        for option in options:
            rr = option.get("ResourceRecord")
            if not rr:
                return False
            for zone in covering_zones(rr["Name"], zones):
                if record_present(await self._records(zone["Id"], cache), rr["Name"], rr["Value"]):
                    break
            else:
                return False
        return True

    async def run_once(self) -> list[str]:
        zones: list[dict[str, Any]] | None = None
        cache: dict[str, list[dict[str, Any]]] = {}
        issued: list[str] = []
        for clients in self._clients.values():
            acm = await clients.get("acm")
            pending: list[str] = []
            async for page in acm.get_paginator("list_certificates").paginate(
                CertificateStatuses=["PENDING_VALIDATION"]
            ):
                pending.extend(c["CertificateArn"] for c in page.get("CertificateSummaryList", []))
            for arn in pending:
                cert = (await acm.describe_certificate(CertificateArn=arn))["Certificate"]
                if cert.get("Status") != "PENDING_VALIDATION":
                    continue
                if zones is None:
                    zones = await self._zones()
                if await self.validated(cert, zones, cache):
                    r = await self._http.post(ISSUE_PATH, json={"arn": arn})
                    r.raise_for_status()
                    issued.append(arn)
        return issued


async def finish_pending(settings: LocalSettings, regions: Iterable[str] | None = None) -> list[str]:
    """One pass: issue every pending certificate whose validation records are all in Route 53."""
    async with Finisher(settings, regions) as f:
        return await f.run_once()


async def run(settings: LocalSettings, stop: asyncio.Event, interval: float = DEFAULT_INTERVAL) -> None:
    async with Finisher(settings) as finisher:
        while not stop.is_set():
            try:
                for arn in await finisher.run_once():
                    print(
                        f"acm-validation: issued {arn} (its DNS validation records are in Route 53)",
                        flush=True,
                    )
            except Exception as exc:  # the emulator may be restarting: report and keep going
                print(f"acm-validation: pass failed: {exc!r}", file=sys.stderr, flush=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)


def main() -> None:
    settings = load_local()
    interval = float(os.environ.get("WEBDPRO_ACM_VALIDATION_INTERVAL_SECONDS") or DEFAULT_INTERVAL)

    async def forever() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print(f"acm-validation: checking pending certificates every {interval:g}s", flush=True)
        await run(settings, stop, interval)

    asyncio.run(forever())


if __name__ == "__main__":
    main()
