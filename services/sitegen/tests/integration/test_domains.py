"""Custom domains end to end against the Hostinger emulator (a real HTTP server) and the AWS emulator: search and
quote (prices, setup fee, cache, 429), the saga's domain steps for curamfresh.in from purchase to CloudFront alias
records, idempotency (never bought twice) and how failures are classified (retry vs give up)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace

import pytest

from sitegen.adapters.dns_cdn import CLOUDFRONT_ZONE_ID, ORIGIN_HOST_HEADER, DnsCdn
from sitegen.adapters.registrar import RegistrarClient
from sitegen.domain.publishing import StepError
from sitegen.service import domains
from sitegen.settings import SitegenSettings
from webdpro_aws.clients import AwsClients
from webdpro_core import ids
from webdpro_core.errors import Conflict, TooManyRequests, Unavailable, ValidationProblem
from webdpro_core.settings import load
from webdpro_local.acm_validation import finish_pending
from webdpro_local.registrar import RegistrarControl, running_registrar
from webdpro_local.settings import load_local

AVAIL = "/api/domains/v1/availability"
CATALOG = "/api/billing/v1/catalog"
PORTFOLIO = "/api/domains/v1/portfolio"
CONTACT = {
    "name": "Asha Patil",
    "email": "asha@curam.example",
    "phone": "+91 98765 43210",
    "address": "12 Linking Road, Bandra West",
    "city": "Mumbai",
    "state": "Maharashtra",
    "postalCode": "400050",
    "country": "IN",
}


@pytest.fixture(scope="module")
def reg() -> Iterator[RegistrarControl]:
    with running_registrar() as control:
        yield control


@pytest.fixture(autouse=True)
def clean(reg: RegistrarControl) -> None:
    reg.reset()
    reg.configure(availability_rate_per_minute=1000, rate_per_minute=0)


@pytest.fixture
async def deps(aws_emulator, reg: RegistrarControl) -> AsyncIterator[SimpleNamespace]:
    settings = load(
        SitegenSettings,
        registrar_base_url=reg.url,
        registrar_token=reg.token,
        edge_origin_domain="edge.test.local",
    )
    clients = AwsClients(settings)
    registrar = RegistrarClient.from_settings(settings, backoff=0.01, purchase_recheck_s=0.05)
    dns = DnsCdn.for_settings(settings, clients)
    try:
        yield SimpleNamespace(settings=settings, registrar=registrar, dns_cdn=dns, clients=clients)
    finally:
        await registrar.close()
        await dns.close()
        await clients.close()


def publication(host: str, **domain) -> dict:
    return {
        "publication_id": ids.new_id("pub"),
        "tenant_id": ids.new_id("tnt"),
        "store_id": ids.new_id("str"),
        "contact": dict(CONTACT),
        "domain": {"type": "custom", "host": host, **domain},
    }


async def run(step, deps, pub: dict) -> dict:
    """Run a step the way the saga does: merge its updates into pub["domain"]."""
    updates = await step(deps, pub)
    pub["domain"].update(updates)
    return updates


# ---- search & quote ------------------------------------------------------------------------------------------


async def test_search_prices_availability_and_cache(deps, reg: RegistrarControl) -> None:
    reg.take("curam.in")
    results = await domains.search(deps, "curam")
    by_name = {r["name"]: r for r in results}
    assert list(by_name) == ["curam.in", "curam.com", "curam.co.in", "curam.store"]
    catalog = (await deps.registrar.prices())["com"]
    com = by_name["curam.com"]
    assert com["available"] is True and com["pricePaise"] == catalog.first_period_price_paise > 0
    assert com["setupFeePaise"] == 49900 and com["totalPaise"] == com["pricePaise"] + 49900
    taken = by_name["curam.in"]
    assert taken["available"] is False and taken["alternatives"] == [
        "curam.com",
        "curam.co.in",
        "curam.store",
    ]

    # A domain query puts its TLD first; the second search is answered from the cache: no registrar call.
    again = await domains.search(deps, "Curam.COM")
    assert [r["name"] for r in again][:2] == ["curam.com", "curam.in"]
    assert reg.calls(AVAIL) == 1 and reg.calls(CATALOG) == 1


async def test_search_refuses_bad_queries_and_maps_registrar_failures(deps, reg: RegistrarControl) -> None:
    for bad in ["", "cu ram!", "-curam", "a" * 64]:
        with pytest.raises(ValidationProblem) as exc:
            await domains.search(deps, bad)
        assert exc.value.code == "INVALID_DOMAIN" and exc.value.errors[0].field == "q"
    assert reg.calls(AVAIL) == 0

    reg.fault(status=503, paths=AVAIL)
    with pytest.raises(Unavailable) as down:
        await domains.search(deps, "mango")
    assert down.value.status == 503 and down.value.detail == "domain search is unavailable"

    reg.configure(availability_rate_per_minute=1)
    await domains.search(deps, "papaya")  # the one allowed this minute
    with pytest.raises(TooManyRequests) as limited:
        await domains.search(deps, "guava")  # the registrar answers 429
    problem = limited.value.to_dict()
    assert problem["status"] == 429 and int(limited.value.headers["Retry-After"]) >= 1
    calls = reg.calls(AVAIL)
    with pytest.raises(TooManyRequests):  # the next keystroke: refused at once, nothing sent
        await domains.search(deps, "guavas")
    assert reg.calls(AVAIL) == calls


async def test_quote_prices_a_free_domain_and_offers_alternatives_for_a_taken_one(
    deps, reg: RegistrarControl
) -> None:
    reg.take("curamfresh.in")
    q = await domains.quote(deps, "CuramFresh.com")
    price = (await deps.registrar.prices())["com"]
    assert q == {
        "name": "curamfresh.com",
        "available": True,
        "pricePaise": price.first_period_price_paise,
        "setupFeePaise": 49900,
        "totalPaise": price.first_period_price_paise + 49900,
        "itemId": price.item_id,
    }
    with pytest.raises(Conflict) as taken:
        await domains.quote(deps, "curamfresh.in")
    body = taken.value.to_dict()
    assert body["status"] == 409 and body["code"] == "DOMAIN_UNAVAILABLE"
    assert body["errors"][0]["field"] == "domain.name"
    assert {"curamfresh.com", "curamfresh.co.in", "curamfresh.store"} <= set(body["alternatives"])
    assert "curamfresh.in" not in body["alternatives"]
    for bad in ["curam", "shop.curam.in", "curam.net", "curam..in", "http://"]:
        with pytest.raises(ValidationProblem) as invalid:
            await domains.quote(deps, bad)
        assert invalid.value.code == "INVALID_DOMAIN" and invalid.value.errors[0].field == "domain.name"


# ---- saga steps ----------------------------------------------------------------------------------------------


async def test_curamfresh_in_from_purchase_to_cdn(deps, reg: RegistrarControl) -> None:
    q = await domains.quote(deps, "curamfresh.in")
    pub = publication("curamfresh.in", price_paise=q["totalPaise"], item_id=q["itemId"])

    bought = await run(domains.buy, deps, pub)
    assert bought["purchased"] is True and bought["registrar_order_id"]
    assert [o["domain"] for o in reg.orders()] == ["curamfresh.in"]

    zone = await run(domains.create_zone, deps, pub)
    assert zone["zone_id"] and len(zone["name_servers"]) == 4
    assert await domains.create_zone(deps, {**pub, "domain": {**pub["domain"], "zone_id": None}}) == zone

    await run(domains.set_nameservers, deps, pub)
    at_registrar = reg.api("GET", f"{PORTFOLIO}/curamfresh.in").json()["name_servers"]
    servers = at_registrar.values() if isinstance(at_registrar, dict) else at_registrar
    assert sorted(s for s in servers if s) == sorted(zone["name_servers"])

    cert = await run(domains.request_certificate, deps, pub)
    assert cert["certificate_status"] == "PENDING_VALIDATION"
    r53 = await deps.clients.get("route53")
    records = (await r53.list_resource_record_sets(HostedZoneId=zone["zone_id"]))["ResourceRecordSets"]
    cnames = {(r["Name"], r["ResourceRecords"][0]["Value"]) for r in records if r["Type"] == "CNAME"}
    assert {(v["name"], v["value"]) for v in cert["validation_records"]} <= cnames
    assert {v["name"].split(".", 1)[1] for v in cert["validation_records"]} == {
        "curamfresh.in.",
        "www.curamfresh.in.",
    }

    with pytest.raises(StepError) as pending:
        await domains.certificate_ready(deps, pub)
    assert pending.value.retryable and "pending validation" in pending.value.reason

    assert cert["certificate_arn"] in await finish_pending(load_local(), ["us-east-1"])  # what ACM does
    assert await run(domains.certificate_ready, deps, pub) == {"certificate_status": "ISSUED"}

    cdn = await run(domains.attach_cdn, deps, pub)
    assert cdn["distribution_domain"].endswith(".cloudfront.net")
    cf = await deps.clients.get("cloudfront")
    config = (await cf.get_distribution(Id=cdn["distribution_id"]))["Distribution"]["DistributionConfig"]
    assert config["Aliases"]["Items"] == ["curamfresh.in", "www.curamfresh.in"]
    assert config["ViewerCertificate"]["ACMCertificateArn"] == cert["certificate_arn"]
    origin = config["Origins"]["Items"][0]
    assert origin["DomainName"] == "edge.test.local"
    assert origin["CustomHeaders"]["Items"] == [
        {"HeaderName": ORIGIN_HOST_HEADER, "HeaderValue": "curamfresh.in"}
    ]
    records = (await r53.list_resource_record_sets(HostedZoneId=zone["zone_id"]))["ResourceRecordSets"]
    aliases = {
        (r["Name"], r["Type"]): r["AliasTarget"]
        for r in records
        if r.get("AliasTarget") and r["Type"] in ("A", "AAAA")
    }
    for name in ("curamfresh.in.", "www.curamfresh.in."):
        for kind in ("A", "AAAA"):
            target = aliases[(name, kind)]
            assert target["HostedZoneId"] == CLOUDFRONT_ZONE_ID
            assert target["DNSName"].rstrip(".") == cdn["distribution_domain"]

    # Every step again (a saga resumed after a crash): nothing new is bought or created.
    for step in (domains.buy, domains.create_zone, domains.set_nameservers, domains.request_certificate):
        assert await step(deps, pub) == {}
    assert await domains.attach_cdn(deps, pub) == {}
    again = {**pub["domain"], "distribution_id": None, "alias_records": None}
    assert (await domains.attach_cdn(deps, {**pub, "domain": again}))["distribution_id"] == cdn[
        "distribution_id"
    ]
    assert len(reg.orders()) == 1


async def test_buy_twice_buys_once(deps, reg: RegistrarControl) -> None:
    pub = publication("mangogrove.in")
    first = await domains.buy(deps, pub)
    assert first["purchased"] and first["registrar_order_id"]
    # The same step again without its record (the answer was lost before the saga wrote it down).
    second = await domains.buy(deps, publication("mangogrove.in"))
    assert second["purchased"] and "registrar_order_id" not in second
    assert len(reg.orders("mangogrove.in")) == 1
    assert reg.calls(PORTFOLIO, "POST") == 1


async def test_registrar_failures_at_purchase(deps, reg: RegistrarControl) -> None:
    # A registrar that keeps answering 503 to the purchase: retry later (nothing bought).
    reg.fault(next_n_requests=20, status=503, paths=PORTFOLIO, methods="POST")
    pub = publication("papayapatch.in")
    with pytest.raises(StepError) as down:
        await domains.buy(deps, pub)
    assert down.value.retryable
    assert reg.orders("papayapatch.in") == []
    reg.clear_faults()
    assert (await run(domains.buy, deps, pub))["purchased"]
    assert len(reg.orders("papayapatch.in")) == 1

    # Someone else registered it between the quote and the purchase: give up (the saga refunds).
    reg.take("guavagarden.in")
    with pytest.raises(StepError) as taken:
        await domains.buy(deps, publication("guavagarden.in"))
    assert not taken.value.retryable and "guavagarden.in" in taken.value.reason
    assert reg.orders("guavagarden.in") == []


async def test_contact_defaults_fill_a_missing_profile(deps) -> None:
    pub = publication("x.in")
    pub.pop("contact")
    pub["store_name"] = "Curam Fresh"
    c = domains.whois_contact(pub, deps.settings)
    assert (c.first_name, c.last_name) == ("Curam", "Fresh")
    assert c.email == f"domains@{deps.settings.platform_domain}" and c.country == "IN" and c.zip
    partial = domains.whois_contact({"contact": {"name": "Asha", "email": "a@b.in"}}, deps.settings)
    assert (partial.first_name, partial.last_name, partial.email) == ("Asha", "Asha", "a@b.in")
