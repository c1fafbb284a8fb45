"""Custom domains: search and quote (what the merchant sees before paying), and the publish saga's domain steps
(what happens after payment): buy → create_zone → set_nameservers → request_certificate → certificate_ready →
attach_cdn.

Search and quote go through the one `RegistrarClient` of the process (`deps.registrar`): availability answers are
cached per domain for a minute, the catalog for an hour, and at most 10 availability requests a minute leave the
process (Hostinger's limit). Over the budget, or after the registrar's own 429, the merchant gets a 429 problem with
Retry-After at once — a search box that asks on every keystroke never turns into a retry loop.

Each step is `async def step(deps, pub) -> dict`: the updates to merge into `pub["domain"]`. Every step first looks
at what it recorded before and skips or verifies it, so the saga can run any step again after a crash:
- buy: the purchase looks at the registrar's portfolio first (a retry after a lost answer never buys twice);
- create_zone: the hosted zone is found again by its CallerReference (publication id + host);
- set_nameservers: a PUT of the same nameservers is harmless;
- request_certificate: ACM's IdempotencyToken (derived from publication id + host) and the recorded ARN; the
  validation CNAMEs are UPSERTed;
- certificate_ready: only reads;
- attach_cdn: CloudFront's CallerReference (the publication id) and UPSERTed alias records.
Registrar 429/5xx/timeouts and AWS throttling/5xx → `retry(reason)`; a domain someone else holds or a request the
registrar or AWS refuses → `give_up(reason)`.

WHOIS contact: `pub["contact"]` (the merchant's name, email, phone and address, as the publish request carried
them). A missing field falls back to the platform's registrar contact (`PLATFORM_CONTACT`, WebdPro's office,
email domains@<platform domain>), and a missing name to the merchant's store name — so a purchase never fails
for an incomplete profile; the merchant can change the WHOIS details later.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sitegen.adapters.dns_cdn import DnsCdn, DnsCdnError, alias_records, idempotency_token
from sitegen.adapters.registrar import (
    Availability,
    Contact,
    Contacts,
    DomainUnavailable,
    RegistrarClient,
    RegistrarError,
    RegistrarNotFound,
    RegistrarRateLimited,
    RegistrarRejected,
    RegistrarUnavailable,
)
from sitegen.domain.publishing import StepError, give_up, retry
from webdpro_core.errors import Conflict, TooManyRequests, Unavailable, ValidationProblem
from webdpro_observability import get_logger

log = get_logger("sitegen.domains")

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HOST = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")

# The platform's own registrar contact: fills what the merchant's profile lacks.
PLATFORM_CONTACT = {
    "name": "WebdPro Domains",
    "phone": "+91 80 4718 0000",
    "address": "WebdPro Technologies, 3rd floor, 80 Feet Road, Koramangala",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postalCode": "560034",
    "country": "IN",
}


# ---- search & quote ---------------------------------------------------------------------------------------


def _registrar(deps: Any) -> RegistrarClient:
    if deps.registrar is None:
        raise Unavailable("domain search is unavailable", code="REGISTRAR_UNAVAILABLE")
    return deps.registrar


def _tlds(deps: Any) -> list[str]:
    return deps.settings.domain_tld_list


def split_domain(name: str, tlds: list[str]) -> tuple[str, str] | None:
    """`curam.co.in` → ("curam", "co.in") for a TLD we sell (the longest that matches), else None."""
    for tld in sorted(tlds, key=len, reverse=True):
        if name.endswith("." + tld):
            label = name[: -len(tld) - 1]
            return (label, tld) if _LABEL.match(label) else None
    return None


def _clean(q: str) -> str:
    s = q.strip().lower()
    s = re.sub(r"^[a-z]+://", "", s).split("/", 1)[0].rstrip(".")
    if s.startswith("www."):
        s = s[4:]
    return re.sub(r"\s+", "", s)


def _search_terms(q: str, tlds: list[str]) -> tuple[str, list[str]]:
    """(label, TLDs in the order to show): `curam` → every TLD; `curam.com` → .com first, then the others."""
    s = _clean(q)
    if _LABEL.match(s):
        return s, list(tlds)
    if _HOST.match(s):
        parsed = split_domain(s, tlds)
        if parsed:
            label, tld = parsed
            return label, [tld, *[t for t in tlds if t != tld]]
        first = s.split(".", 1)[0]
        if _LABEL.match(first):  # a TLD we do not sell: offer the name in the ones we do
            return first, list(tlds)
    raise ValidationProblem(
        "enter a name (curam) or a domain (curam.in): letters, digits and hyphens",
        code="INVALID_DOMAIN",
        field="q",
    )


def _price_entry(deps: Any, prices: dict[str, Any], domain: str, available: bool) -> dict[str, Any] | None:
    tld = domain.split(".", 1)[1]
    price = prices.get(tld)
    if price is None:
        return None
    fee = deps.settings.domain_setup_fee_paise
    return {
        "name": domain,
        "available": available,
        "pricePaise": price.first_period_price_paise,
        "setupFeePaise": fee,
        "totalPaise": price.first_period_price_paise + fee,
        "itemId": price.item_id,
    }


def _rate_limited(exc: RegistrarRateLimited) -> TooManyRequests:
    return TooManyRequests(
        "too many domain searches just now; try again shortly",
        retry_after=max(1, math.ceil(exc.retry_after)),
    )


async def _ask(client: RegistrarClient, label: str, tlds: list[str], what: str) -> list[Availability]:
    try:
        return await client.availability(label, tlds)
    except RegistrarRateLimited as exc:
        raise _rate_limited(exc) from exc
    except RegistrarRejected as exc:
        field = "q" if what == "search" else "domain.name"
        raise ValidationProblem(exc.message, code="INVALID_DOMAIN", field=field) from exc
    except RegistrarError as exc:
        log.warning("domains.registrar_unavailable", what=what, error=exc.message)
        raise Unavailable("domain search is unavailable", code="REGISTRAR_UNAVAILABLE") from exc


async def _prices(client: RegistrarClient) -> dict[str, Any]:
    try:
        return await client.prices()
    except RegistrarRateLimited as exc:
        raise _rate_limited(exc) from exc
    except RegistrarError as exc:
        log.warning("domains.catalog_unavailable", error=exc.message)
        raise Unavailable("domain search is unavailable", code="REGISTRAR_UNAVAILABLE") from exc


async def search(deps: Any, q: str) -> list[dict]:
    """Custom domains for `q` (a name or a domain) in the TLDs we sell, with the first-year price + setup fee.
    A taken one carries `alternatives`: the available ones among the others."""
    client = _registrar(deps)
    label, tlds = _search_terms(q, _tlds(deps))
    answers = await _ask(client, label, tlds, "search")
    prices = await _prices(client)
    results = [
        e for a in answers if not a.alternative and (e := _price_entry(deps, prices, a.domain, a.available))
    ]
    free = [r["name"] for r in results if r["available"]]
    for r in results:
        if not r["available"]:
            r["alternatives"] = [n for n in free if n != r["name"]]
    return results


def _valid_host(deps: Any, name: str) -> tuple[str, str, str]:
    host = _clean(name) if isinstance(name, str) else ""
    parsed = split_domain(host, _tlds(deps)) if _HOST.match(host) else None
    if not parsed:
        sold = ", ".join("." + t for t in _tlds(deps))
        raise ValidationProblem(
            f"{name!r} is not a domain we can register (a name and one of {sold}, e.g. curam.in)",
            code="INVALID_DOMAIN",
            field="domain.name",
        )
    return host, parsed[0], parsed[1]


async def quote(deps: Any, name: str) -> dict:
    """The price of registering `name` now; 409 DOMAIN_UNAVAILABLE with `alternatives` when it is taken."""
    client = _registrar(deps)
    host, label, tld = _valid_host(deps, name)
    tlds = [tld, *[t for t in _tlds(deps) if t != tld]]
    answers = await _ask(client, label, tlds, "quote")
    prices = await _prices(client)
    mine = next((a for a in answers if a.domain == host and not a.alternative), None)
    entry = _price_entry(deps, prices, host, bool(mine and mine.available))
    if entry is not None and entry["available"]:
        return entry
    alternatives = [a.domain for a in answers if a.available and a.domain != host and a.tld in prices]
    try:  # the registrar's own suggestions in this TLD: best effort, a limit or outage only shortens the list
        suggested = await client.availability(label, [tld], with_alternatives=True)
        alternatives += [
            a.domain for a in suggested if a.alternative and a.available and a.domain not in alternatives
        ]
    except RegistrarError as exc:
        log.info("domains.alternatives_skipped", domain=host, error=exc.message)
    raise Conflict(
        f"{host} is not available",
        code="DOMAIN_UNAVAILABLE",
        field="domain.name",
        extra={"alternatives": alternatives},
    )


# ---- saga steps -------------------------------------------------------------------------------------------


def _domain(pub: dict) -> dict:
    d = pub.get("domain") or {}
    if d.get("type") != "custom" or not d.get("host"):
        raise give_up("the publication has no custom domain")
    return d


def _dns(deps: Any) -> DnsCdn:
    if deps.dns_cdn is None:
        raise retry("DNS/CDN clients are not configured")
    return deps.dns_cdn


def _aws_failure(exc: DnsCdnError) -> StepError:
    return retry(exc.message) if exc.retryable else give_up(exc.message)


def _registrar_failure(exc: RegistrarError) -> StepError:
    if isinstance(exc, RegistrarRateLimited | RegistrarUnavailable):
        return retry(f"registrar: {exc.message}")
    return give_up(f"registrar refused: {exc.message}")


def whois_contact(pub: dict, settings: Any) -> Contact:
    """The merchant's WHOIS contact from `pub["contact"]`, gaps filled from the platform's registrar contact."""
    c = {k: v for k, v in (pub.get("contact") or {}).items() if isinstance(v, str) and v.strip()}
    name = c.get("name") or pub.get("merchant_name") or pub.get("store_name") or PLATFORM_CONTACT["name"]
    first, _, last = name.strip().partition(" ")
    return Contact(
        first_name=first,
        last_name=last.strip() or first,
        email=c.get("email") or f"domains@{settings.platform_domain}",
        phone=c.get("phone") or PLATFORM_CONTACT["phone"],
        address=c.get("address") or PLATFORM_CONTACT["address"],
        city=c.get("city") or PLATFORM_CONTACT["city"],
        state=c.get("state") or PLATFORM_CONTACT["state"],
        zip=c.get("postalCode") or PLATFORM_CONTACT["postalCode"],
        country=(c.get("country") or PLATFORM_CONTACT["country"]).upper(),
    )


async def buy(deps: Any, pub: dict) -> dict:
    d = _domain(pub)
    if d.get("purchased"):
        return {}
    host = d["host"]
    client = deps.registrar
    if client is None:
        raise retry("registrar client is not configured")
    tld = host.split(".", 1)[1]
    try:
        item_id = d.get("item_id")
        if not item_id:
            price = await client.price_for(host)
            if price is None:
                raise give_up(f"the registrar does not sell .{tld}")
            item_id = price.item_id
        whois_id = await client.ensure_whois(whois_contact(pub, deps.settings), tld)
        order = await client.purchase(host, item_id, Contacts.single(whois_id))
    except DomainUnavailable as exc:
        raise give_up(f"{host} could not be bought: {exc.message}") from exc
    except RegistrarError as exc:
        raise _registrar_failure(exc) from exc
    log.info("domains.bought", host=host, order_id=order.id, recovered=order.recovered)
    updates: dict[str, Any] = {"purchased": True, "whois_id": whois_id, "registrar_status": order.status}
    if order.id is not None:
        updates["registrar_order_id"] = order.id
    if order.subscription_id is not None:
        updates["registrar_subscription_id"] = order.subscription_id
    if order.total_paise is not None:
        updates["registrar_total_paise"] = order.total_paise
    return updates


async def create_zone(deps: Any, pub: dict) -> dict:
    d = _domain(pub)
    if d.get("zone_id") and d.get("name_servers"):
        return {}
    try:
        zone_id, servers = await _dns(deps).ensure_zone(d["host"], f"{pub['publication_id']}:{d['host']}")
    except DnsCdnError as exc:
        raise _aws_failure(exc) from exc
    if len(servers) < 2:
        raise retry(f"hosted zone {zone_id} has no nameservers yet")
    return {"zone_id": zone_id, "name_servers": servers[:4]}


async def set_nameservers(deps: Any, pub: dict) -> dict:
    d = _domain(pub)
    servers = d.get("name_servers") or []
    if not servers:
        raise give_up("no hosted zone recorded before setting the nameservers")
    if d.get("nameservers_set") == servers:
        return {}
    if deps.registrar is None:
        raise retry("registrar client is not configured")
    try:
        await deps.registrar.set_nameservers(d["host"], servers)
    except RegistrarNotFound as exc:  # the order went through but the domain is not in the portfolio yet
        raise retry(f"{d['host']} is not in the registrar's portfolio yet") from exc
    except RegistrarRejected as exc:
        raise give_up(f"registrar refused the nameservers: {exc.message}") from exc
    except RegistrarError as exc:
        raise _registrar_failure(exc) from exc
    return {"nameservers_set": list(servers)}


def _validation_records(cert: dict) -> list[dict[str, Any]] | None:
    """The CNAMEs ACM wants (deduplicated by name); None while ACM has not published all of them yet."""
    records: dict[str, dict[str, Any]] = {}
    for option in cert.get("DomainValidationOptions") or []:
        rr = option.get("ResourceRecord")
        if not rr:
            return None
        records[rr["Name"]] = {
            "Name": rr["Name"],
            "Type": rr.get("Type", "CNAME"),
            "TTL": 300,
            "ResourceRecords": [{"Value": rr["Value"]}],
        }
    return list(records.values()) or None


async def request_certificate(deps: Any, pub: dict) -> dict:
    d = _domain(pub)
    if d.get("certificate_arn") and d.get("validation_records"):
        return {}
    if not d.get("zone_id"):
        raise give_up("no hosted zone recorded before requesting the certificate")
    host = d["host"]
    dns = _dns(deps)
    try:
        arn = d.get("certificate_arn") or await dns.request_certificate(
            host,
            [host, f"www.{host}"],
            idempotency_token(pub["publication_id"], host),
            {"webdpro:publication": pub["publication_id"], "webdpro:tenant": str(pub.get("tenant_id") or "")},
        )
        cert = await dns.certificate(arn)
        records = _validation_records(cert)
        if records is None:  # ACM publishes the validation records a few seconds after the request
            raise retry("certificate validation records are not published yet")
        await dns.upsert_records(d["zone_id"], records, comment="ACM DNS validation")
    except DnsCdnError as exc:
        raise _aws_failure(exc) from exc
    return {
        "certificate_arn": arn,
        "validation_records": [
            {"name": r["Name"], "value": r["ResourceRecords"][0]["Value"]} for r in records
        ],
        "certificate_status": str(cert.get("Status") or "PENDING_VALIDATION"),
    }


async def certificate_ready(deps: Any, pub: dict) -> dict:
    d = _domain(pub)
    arn = d.get("certificate_arn")
    if not arn:
        raise give_up("no certificate requested")
    try:
        cert = await _dns(deps).certificate(arn)
    except DnsCdnError as exc:
        raise _aws_failure(exc) from exc
    status = str(cert.get("Status") or "")
    if status == "ISSUED":
        return {"certificate_status": "ISSUED"}
    if status == "PENDING_VALIDATION":
        raise retry("certificate pending validation")
    reason = cert.get("FailureReason") or status
    raise give_up(f"certificate for {d['host']} was not issued: {reason}")


async def attach_cdn(deps: Any, pub: dict) -> dict:
    d = _domain(pub)
    if d.get("distribution_id") and d.get("alias_records"):
        return {}
    host = d["host"]
    if d.get("certificate_status") != "ISSUED" or not d.get("certificate_arn") or not d.get("zone_id"):
        raise give_up("the certificate is not issued, or no hosted zone is recorded")
    dns = _dns(deps)
    names = [host, f"www.{host}"]
    try:
        dist_id, dist_domain = await dns.ensure_distribution(
            caller_reference=pub["publication_id"],
            aliases=names,
            certificate_arn=d["certificate_arn"],
            origin=deps.settings.edge_origin,
            host=host,
        )
        await dns.upsert_records(
            d["zone_id"], alias_records(names, dist_domain), comment="CloudFront aliases"
        )
    except DnsCdnError as exc:
        raise _aws_failure(exc) from exc
    return {"distribution_id": dist_id, "distribution_domain": dist_domain, "alias_records": names}
