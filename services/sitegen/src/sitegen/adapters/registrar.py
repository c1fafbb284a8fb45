"""The domain registrar: Hostinger's public API over async httpx (`Authorization: Bearer <token>`).

The same code talks to `https://developers.hostinger.com` and to the local emulator
(`python -m webdpro_local.registrar`); only `base_url` and the token differ (WEBDPRO_REGISTRAR_BASE_URL,
WEBDPRO_REGISTRAR_TOKEN).

What it does for the publish path
- `availability(name, tlds)`: cached per domain for `availability_ttl_s` (60 s); concurrent identical questions
  share one request; at most `availability_per_minute` requests leave this process per minute (Hostinger allows
  10). Over that budget, or after the registrar's own 429, it raises `RegistrarRateLimited(retry_after)` at once —
  no request, no retry loop — until the window has passed.
- `prices()`: the DOMAIN billing catalog as `{tld: Price}` (one-year registration), cached `prices_ttl_s` (1 h).
- `ensure_whois(contact, tld)`: the id of a WHOIS profile with exactly these details for the TLD, created if
  there is none (the list is re-read before a retried create, so a lost answer never makes two).
- `purchase(domain, item_id, contacts)`: looks the domain up in our portfolio first (already there → the order
  is `recovered`, nothing is bought). A 5xx, timeout or connection error is ambiguous — the registrar may have
  bought it — so after a back-off the portfolio is checked again, and the purchase is re-sent only when the
  check succeeded and the domain is not there. If the check itself fails, `RegistrarUnavailable` is raised
  without buying: the caller retries the whole step later (it starts with the same lookup). A 422 naming the
  domain is checked against the portfolio too (a retry of a purchase that did happen answers "already
  registered"): ours → recovered, else `DomainUnavailable`.
  The portfolio is one for the whole platform, so "in our portfolio" means "bought for this caller" only if the
  caller holds the domain name exclusively (a conditional claim in its own table before taking the payment).
- `set_nameservers`, `portfolio`, `portfolio_list`, `dns_zone`, `update_dns_zone`: idempotent, retried with
  back-off on 5xx / timeouts / connection errors.

Errors (all `RegistrarError`, with `status`, `message`, `correlation_id`):
  RegistrarUnavailable (5xx, timeouts, connection errors after the retries; `RegistrarAuthError` for 401/403 —
  a wrong token), RegistrarRateLimited (`retry_after` seconds), DomainUnavailable (`domain`),
  RegistrarRejected (422 and other 4xx: `errors` = Hostinger's `{field: [messages]}`; `RegistrarNotFound` for a
  404 — a domain that is not in our account).
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from webdpro_core.settings import BaseSettings
from webdpro_observability import get_logger

log = get_logger("sitegen.registrar")

DEFAULT_BASE_URL = "https://developers.hostinger.com"
PLATFORM_TLDS = ("in", "com", "co.in", "store")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HOST = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_TLD_FROM_NAME = re.compile(r"^\.([a-z0-9.-]+?)\s+domain\b", re.IGNORECASE)
_PENDING_STATUSES = frozenset({"pending_setup", "requested", "pending_verification"})


# ---- errors --------------------------------------------------------------------------------------------------


class RegistrarError(Exception):
    def __init__(self, message: str, *, status: int | None = None, correlation_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.correlation_id = correlation_id


class RegistrarUnavailable(RegistrarError):
    """The registrar could not be reached or kept failing (5xx, timeouts) after the retries."""


class RegistrarAuthError(RegistrarUnavailable):
    """401/403: the API token is wrong or lacks the permission — an operator has to fix the configuration."""


class RegistrarRateLimited(RegistrarError):
    """Too many requests: try again in `retry_after` seconds (no request was made, or the registrar said 429)."""

    def __init__(self, retry_after: float, message: str = "registrar rate limit reached", **kw: Any) -> None:
        super().__init__(f"{message}; retry after {retry_after:g}s", **kw)
        self.retry_after = retry_after


class RegistrarRejected(RegistrarError):
    """The registrar refused the request itself (422 validation, other 4xx): `errors` is `{field: [messages]}`."""

    def __init__(self, message: str, errors: Mapping[str, Sequence[str]] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class DomainUnavailable(RegistrarError):
    """The domain cannot be registered (taken by someone else, or not a domain the registrar sells)."""

    def __init__(self, domain: str, message: str | None = None, **kw: Any) -> None:
        super().__init__(message or f"{domain} is not available for registration", **kw)
        self.domain = domain


class RegistrarNotFound(RegistrarRejected):
    """404: the domain (or WHOIS profile) is not in our account."""


# ---- values --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Availability:
    domain: str
    available: bool
    alternative: bool = False
    restriction: str | None = None

    @property
    def tld(self) -> str:
        return self.domain.split(".", 1)[1]


@dataclass(frozen=True, slots=True)
class Price:
    """One catalog price item: `item_id` is what a purchase names; amounts in paise (INR) or the currency's cents."""

    tld: str
    item_id: str
    price_paise: int  # the regular (renewal) price of the period
    first_period_price_paise: int  # what the first period costs
    period: int
    period_unit: str = "year"
    currency: str = "INR"


@dataclass(frozen=True, slots=True)
class Contact:
    """A WHOIS contact (the merchant). `phone` in any common form: +919876543210, 98765 43210, +91.9876543210."""

    first_name: str
    last_name: str
    email: str
    phone: str
    address: str
    city: str
    state: str
    zip: str
    country: str = "IN"
    company_name: str | None = None

    @property
    def entity_type(self) -> str:
        return "organization" if self.company_name else "individual"

    def whois_details(self) -> dict[str, str]:
        details = {
            "first_name": self.first_name.strip(),
            "last_name": self.last_name.strip(),
            "email": self.email.strip(),
            "phone": epp_phone(self.phone, self.country),
            "address": self.address.strip(),
            "city": self.city.strip(),
            "state": self.state.strip(),
            "zip": self.zip.strip(),
        }
        if self.company_name:
            details["company_name"] = self.company_name.strip()
        return details


@dataclass(frozen=True, slots=True)
class Contacts:
    """The four WHOIS roles of a registration (usually one profile for all four: `Contacts.single(id)`)."""

    owner_id: int
    admin_id: int
    billing_id: int
    tech_id: int

    @classmethod
    def single(cls, whois_id: int) -> Contacts:
        return cls(whois_id, whois_id, whois_id, whois_id)

    def to_api(self) -> dict[str, int]:
        return {
            "owner_id": self.owner_id,
            "admin_id": self.admin_id,
            "billing_id": self.billing_id,
            "tech_id": self.tech_id,
        }


@dataclass(frozen=True, slots=True)
class Order:
    """A domain order. `recovered`: the domain was found in our portfolio instead of in a purchase answer (a
    retry after a lost answer, or a step run again) — `id`/amounts are then unknown (None).
    `registered`: the domain is active; otherwise (`pending_setup`, `requested`, a 202) poll `portfolio`."""

    domain: str
    status: str
    id: int | None = None
    subscription_id: str | None = None
    currency: str | None = None
    subtotal_paise: int | None = None
    total_paise: int | None = None
    recovered: bool = False
    registered: bool = True


@dataclass(frozen=True, slots=True)
class PortfolioDomain:
    domain: str
    status: str
    name_servers: tuple[str, ...] = ()
    contacts: dict[str, int] = field(default_factory=dict)
    created_at: str | None = None
    expires_at: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> PortfolioDomain:
        ns = data.get("name_servers") or {}
        servers = tuple(ns[k] for k in sorted(ns) if ns.get(k)) if isinstance(ns, dict) else tuple(ns)
        return cls(
            domain=str(data.get("domain") or ""),
            status=str(data.get("status") or "active"),
            name_servers=servers,
            contacts={k: v for k, v in (data.get("domain_contacts") or {}).items() if isinstance(v, int)},
            created_at=data.get("created_at"),
            expires_at=data.get("expires_at"),
        )


def epp_phone(phone: str, country: str = "IN") -> str:
    """`+91 98765-43210` / `9876543210` / `+919876543210` → `+91.9876543210` (the format WHOIS wants)."""
    raw = phone.strip()
    if re.fullmatch(r"\+\d{1,3}\.\d{4,14}", raw):
        return raw
    digits = re.sub(r"\D", "", raw)
    if country.upper() == "IN":
        if raw.startswith("+91") or (len(digits) == 12 and digits.startswith("91")):
            digits = digits[2:]
        digits = digits.lstrip("0")
        return f"+91.{digits}"
    if raw.startswith("+"):
        return f"+{digits[:-10] or '1'}.{digits[-10:]}"
    return f"+1.{digits}"


def normalize_domain(domain: str) -> str:
    return domain.strip().lower().rstrip(".")


# ---- settings ------------------------------------------------------------------------------------------------


class RegistrarSettings(BaseSettings, kw_only=True, frozen=True):
    """The environment the client reads when no service settings are passed (`load(RegistrarSettings)`)."""

    registrar_base_url: str = DEFAULT_BASE_URL  # WEBDPRO_REGISTRAR_BASE_URL
    registrar_token: str = ""  # WEBDPRO_REGISTRAR_TOKEN (a secret)
    registrar_timeout_seconds: float = 10.0
    registrar_retries: int = 3
    registrar_availability_cache_seconds: float = 60.0
    registrar_availability_per_minute: int = 10
    registrar_prices_cache_seconds: float = 3600.0
    registrar_payment_method_id: int | None = None  # None → the account's default payment method


# ---- the client ----------------------------------------------------------------------------------------------


class RegistrarClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        token: str = "",
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.25,
        max_backoff: float = 4.0,
        availability_ttl_s: float = 60.0,
        availability_per_minute: int = 10,
        prices_ttl_s: float = 3600.0,
        payment_method_id: int | None = None,
        purchase_recheck_s: float = 2.0,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.availability_ttl_s = availability_ttl_s
        self.availability_per_minute = availability_per_minute
        self.prices_ttl_s = prices_ttl_s
        self.payment_method_id = payment_method_id
        # After an ambiguous purchase failure, wait at least this long before reading the portfolio: the
        # registrar may still be completing the order the lost answer belonged to.
        self.purchase_recheck_s = purchase_recheck_s
        self._clock = clock
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
            headers={"Accept": "application/json", "User-Agent": "webdpro-sitegen"},
            trust_env=False,
        )
        self._headers = {"Authorization": f"Bearer {token}"}
        self._availability: dict[str, tuple[float, Availability]] = {}
        self._alternatives: dict[tuple[str, str], tuple[float, list[Availability]]] = {}
        self._inflight: dict[tuple[Any, ...], asyncio.Future[list[Availability]]] = {}
        self._sent: deque[float] = deque()  # availability requests of the last minute
        self._blocked_until: dict[str, float] = {}  # "availability" / "api" → clock time
        self._prices: tuple[float, dict[str, Price]] | None = None
        self._prices_lock = asyncio.Lock()
        self._whois: dict[tuple[Any, ...], int] = {}

    @classmethod
    def from_settings(cls, settings: Any, **kw: Any) -> RegistrarClient:
        """From a settings object with the `registrar_*` fields of `RegistrarSettings` (missing ones default)."""
        d = RegistrarSettings()

        def get(name: str) -> Any:
            value = getattr(settings, name, None)
            return getattr(d, name) if value is None else value

        return cls(
            get("registrar_base_url") or DEFAULT_BASE_URL,
            get("registrar_token") or "",
            timeout=float(get("registrar_timeout_seconds")),
            retries=int(get("registrar_retries")),
            availability_ttl_s=float(get("registrar_availability_cache_seconds")),
            availability_per_minute=int(get("registrar_availability_per_minute")),
            prices_ttl_s=float(get("registrar_prices_cache_seconds")),
            payment_method_id=get("registrar_payment_method_id"),
            **kw,
        )

    async def close(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> RegistrarClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- availability -------------------------------------------------------------------------------------

    async def availability(
        self, name: str, tlds: Iterable[str] = PLATFORM_TLDS, *, with_alternatives: bool = False
    ) -> list[Availability]:
        """Is `name.<tld>` free, for each TLD (in the order asked)? With `with_alternatives` (exactly one TLD) the
        registrar's suggestions follow, marked `alternative`."""
        label = name.strip().lower()
        wanted = list(dict.fromkeys(t.strip().lower().lstrip(".") for t in tlds if t.strip()))
        if not _LABEL.match(label):
            raise RegistrarRejected(
                f"{name!r} is not a domain name label", {"domain": ["The domain field format is invalid."]}
            )
        if not wanted:
            raise RegistrarRejected("no TLD asked", {"tlds": ["The tlds field is required."]})
        if with_alternatives and len(wanted) != 1:
            raise ValueError("with_alternatives needs exactly one TLD (Hostinger's rule)")
        cached = self._cached_availability(label, wanted, with_alternatives)
        if cached is not None:
            return cached
        key = (label, tuple(wanted), with_alternatives)
        running = self._inflight.get(key)
        if running is not None:
            return list(await asyncio.shield(running))
        future: asyncio.Future[list[Availability]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._fetch_availability(label, wanted, with_alternatives)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a failure nobody else awaited is not "never retrieved"
            raise
        else:
            future.set_result(result)
            return list(result)
        finally:
            self._inflight.pop(key, None)

    def _cached_availability(
        self, label: str, tlds: list[str], alternatives: bool
    ) -> list[Availability] | None:
        now = self._clock()
        if alternatives:
            hit = self._alternatives.get((label, tlds[0]))
            return list(hit[1]) if hit and hit[0] > now else None
        out = []
        for tld in tlds:
            hit = self._availability.get(f"{label}.{tld}")
            if not hit or hit[0] <= now:
                return None
            out.append(hit[1])
        return out

    def _check_budget(self) -> None:
        now = self._clock()
        blocked = self._blocked_until.get("availability", 0.0)
        if blocked > now:
            raise RegistrarRateLimited(round(blocked - now, 3), "registrar availability limit reached")
        if self.availability_per_minute <= 0:
            return
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        if len(self._sent) >= self.availability_per_minute:
            retry_after = round(self._sent[0] + 60.0 - now, 3)
            raise RegistrarRateLimited(
                max(retry_after, 0.001),
                f"{self.availability_per_minute} availability checks a minute already made",
            )
        self._sent.append(now)

    async def _fetch_availability(
        self, label: str, tlds: list[str], alternatives: bool
    ) -> list[Availability]:
        self._check_budget()
        data = await self._call(
            "POST",
            "/api/domains/v1/availability",
            json={"domain": label, "tlds": tlds, "with_alternatives": alternatives},
            bucket="availability",
            retry=False,  # a retry spends the per-minute budget: the caller asks again instead
        )
        if not isinstance(data, list):
            raise RegistrarUnavailable("unexpected availability answer from the registrar")
        results = [
            Availability(
                domain=normalize_domain(str(item.get("domain") or "")),
                available=bool(item.get("is_available")),
                alternative=bool(item.get("is_alternative")),
                restriction=item.get("restriction"),
            )
            for item in data
            if isinstance(item, dict) and item.get("domain")
        ]
        expires = self._clock() + self.availability_ttl_s
        for a in results:
            if not a.alternative:
                self._availability[a.domain] = (expires, a)
        if alternatives:
            self._alternatives[(label, tlds[0])] = (expires, results)
        by_domain = {a.domain: a for a in results if not a.alternative}
        asked = [by_domain.get(f"{label}.{t}", Availability(f"{label}.{t}", False)) for t in tlds]
        return asked + [a for a in results if a.alternative]

    def forget_availability(self, domain: str | None = None) -> None:
        """Drop cached answers (all, or one domain's), e.g. after a purchase failed as "not available"."""
        if domain is None:
            self._availability.clear()
            self._alternatives.clear()
        else:
            self._availability.pop(normalize_domain(domain), None)

    # ---- prices -------------------------------------------------------------------------------------------

    async def prices(self, *, years: int = 1, refresh: bool = False) -> dict[str, Price]:
        """`{tld: Price}` for every domain TLD the catalog sells for `years` (cached `prices_ttl_s`)."""
        async with self._prices_lock:
            now = self._clock()
            if self._prices is None or self._prices[0] <= now or refresh:
                data = await self._call("GET", "/api/billing/v1/catalog", params={"category": "DOMAIN"})
                self._prices = (now + self.prices_ttl_s, _parse_catalog(data))
            catalog = self._prices[1]
        return {tld: p for (tld, period), p in catalog.items() if period == years}

    async def price_for(self, domain: str, *, years: int = 1) -> Price | None:
        tld = normalize_domain(domain).split(".", 1)[-1]
        return (await self.prices(years=years)).get(tld)

    # ---- WHOIS --------------------------------------------------------------------------------------------

    async def ensure_whois(self, contact: Contact, tld: str) -> int:
        """The id of a WHOIS profile for `tld` with exactly this contact's details; created when missing."""
        tld = tld.strip().lower().lstrip(".")
        details = contact.whois_details()
        key = (tld, contact.country.upper(), contact.entity_type, tuple(sorted(details.items())))
        if key in self._whois:
            return self._whois[key]
        body = {
            "tld": tld,
            "country": contact.country.upper(),
            "entity_type": contact.entity_type,
            "whois_details": details,
        }
        for attempt in range(self.retries + 1):
            found = await self._find_whois(tld, body)
            if found is not None:
                self._whois[key] = found
                return found
            try:
                profile = await self._call("POST", "/api/domains/v1/whois", json=body, retry=False)
            except RegistrarUnavailable as exc:
                if isinstance(exc, RegistrarAuthError) or attempt >= self.retries:
                    raise
                await self._pause(attempt, "whois.create", exc)
                continue  # the list is read again first: the failed create may have happened
            whois_id = int(profile["id"])
            self._whois[key] = whois_id
            return whois_id
        raise RegistrarUnavailable(
            "could not create the WHOIS profile"
        )  # pragma: no cover - loop returns/raises

    async def _find_whois(self, tld: str, body: Mapping[str, Any]) -> int | None:
        profiles = await self._call("GET", "/api/domains/v1/whois", params={"tld": tld})
        for p in profiles if isinstance(profiles, list) else []:
            if (
                p.get("tld") == tld
                and str(p.get("country", "")).upper() == body["country"]
                and p.get("entity_type") == body["entity_type"]
                and {k: p.get("whois_details", {}).get(k) for k in body["whois_details"]}
                == body["whois_details"]
            ):
                return int(p["id"])
        return None

    # ---- portfolio & purchase -----------------------------------------------------------------------------

    async def portfolio(self, domain: str) -> PortfolioDomain | None:
        """The domain's details if it is registered in our account, else None."""
        try:
            data = await self._call("GET", f"/api/domains/v1/portfolio/{normalize_domain(domain)}")
        except RegistrarNotFound:
            return None
        return PortfolioDomain.from_api(data)

    async def portfolio_list(self) -> list[PortfolioDomain]:
        """Every domain of the account, including ones still being set up (`pending_setup`, `requested`)."""
        data = await self._call("GET", "/api/domains/v1/portfolio")
        items = data.get("data", []) if isinstance(data, dict) else data
        return [PortfolioDomain.from_api(d) for d in items if isinstance(d, dict) and d.get("domain")]

    async def _ours(self, domain: str) -> PortfolioDomain | None:
        # The list, not the details: a domain whose order went through but is not registered yet is only there.
        return next((d for d in await self.portfolio_list() if d.domain == domain), None)

    async def purchase(
        self,
        domain: str,
        item_id: str,
        contacts: Contacts | None = None,
        *,
        payment_method_id: int | None = None,
    ) -> Order:
        """Register `domain` with catalog price `item_id` — exactly once, whatever fails on the way."""
        domain = normalize_domain(domain)
        if not _HOST.match(domain):
            raise RegistrarRejected(
                f"{domain!r} is not a domain name", {"domain": ["The domain field is invalid."]}
            )
        existing = await self._ours(domain)
        if existing is not None:
            log.info("registrar.purchase_found_in_portfolio", domain=domain, status=existing.status)
            return _recovered(existing)
        body: dict[str, Any] = {"domain": domain, "item_id": item_id}
        if contacts is not None:
            body["domain_contacts"] = contacts.to_api()
        pm = payment_method_id if payment_method_id is not None else self.payment_method_id
        if pm is not None:
            body["payment_method_id"] = pm
        last: RegistrarError | None = None
        for attempt in range(self.retries + 1):
            try:
                response = await self._request("POST", "/api/domains/v1/portfolio", json=body, bucket="api")
            except RegistrarRejected as exc:
                if "domain" not in exc.errors:
                    raise
                # "already registered" (a lost answer of ours) or "not available" (someone else's): look.
                existing = await self._ours(domain)
                if existing is not None:
                    log.info(
                        "registrar.purchase_recovered", domain=domain, attempt=attempt, status=existing.status
                    )
                    return _recovered(existing)
                self.forget_availability(domain)
                raise DomainUnavailable(
                    domain,
                    "; ".join(exc.errors["domain"]),
                    status=exc.status,
                    correlation_id=exc.correlation_id,
                ) from exc
            except RegistrarUnavailable as exc:
                if isinstance(exc, RegistrarAuthError):
                    raise
                last = exc
                # Ambiguous: the registrar may have bought it. Never buy again before seeing it is not ours.
                await self._pause(attempt, "purchase", exc, minimum=self.purchase_recheck_s)
                try:
                    existing = await self._ours(domain)
                except RegistrarUnavailable as check_failed:
                    raise RegistrarUnavailable(
                        f"purchase of {domain} failed ({exc.message}) and the portfolio could not be checked: "
                        "not retried, so it is never bought twice",
                        status=exc.status,
                    ) from check_failed
                if existing is not None:
                    log.info(
                        "registrar.purchase_recovered", domain=domain, attempt=attempt, status=existing.status
                    )
                    return _recovered(existing)
                if attempt >= self.retries:
                    break
                continue
            data = _json(response)
            order = Order(
                domain=domain,
                status=str(
                    data.get("status") or ("processing" if response.status_code == 202 else "completed")
                ),
                id=data.get("id"),
                subscription_id=data.get("subscription_id"),
                currency=data.get("currency"),
                subtotal_paise=data.get("subtotal"),
                total_paise=data.get("total"),
                registered=response.status_code != 202 and data.get("status", "completed") == "completed",
            )
            log.info("registrar.purchased", domain=domain, order_id=order.id, status=order.status)
            return order
        raise RegistrarUnavailable(
            f"purchase of {domain} failed {self.retries + 1} times; it is not in the portfolio",
            status=last.status if last else None,
        ) from last

    async def set_nameservers(self, domain: str, nameservers: Sequence[str]) -> None:
        """Point the domain at these nameservers (2 to 4, e.g. the Route 53 hosted zone's)."""
        servers = [normalize_domain(n) for n in nameservers if n and n.strip()]
        if not 2 <= len(servers) <= 4:
            raise ValueError("between 2 and 4 nameservers are needed")
        body = {f"ns{i}": ns for i, ns in enumerate(servers, 1)}
        await self._call(
            "PUT", f"/api/domains/v1/portfolio/{normalize_domain(domain)}/nameservers", json=body
        )

    async def dns_zone(self, domain: str) -> list[dict[str, Any]]:
        return await self._call("GET", f"/api/dns/v1/zones/{normalize_domain(domain)}")

    async def update_dns_zone(
        self, domain: str, zone: Sequence[Mapping[str, Any]], *, overwrite: bool = True
    ) -> None:
        """Hostinger's zone update: `[{name, type, ttl, records:[{content}]}]`; `overwrite` replaces the matching
        name+type record sets, otherwise records are appended."""
        await self._call(
            "PUT",
            f"/api/dns/v1/zones/{normalize_domain(domain)}",
            json={"overwrite": overwrite, "zone": list(zone)},
        )

    # ---- HTTP ---------------------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        bucket: str = "api",
        retry: bool = True,
    ) -> Any:
        """One API call; 5xx, timeouts and connection errors retried with back-off when `retry` (idempotent)."""
        attempts = self.retries + 1 if retry else 1
        for attempt in range(attempts):
            try:
                return _json(await self._request(method, path, json=json, params=params, bucket=bucket))
            except RegistrarUnavailable as exc:
                if isinstance(exc, RegistrarAuthError) or attempt + 1 >= attempts:
                    raise
                await self._pause(attempt, path, exc)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        bucket: str = "api",
    ) -> httpx.Response:
        blocked = self._blocked_until.get(bucket, 0.0) - self._clock()
        if blocked > 0:
            raise RegistrarRateLimited(round(blocked, 3))
        try:
            r = await self._http.request(method, path, json=json, params=params, headers=self._headers)
        except httpx.TimeoutException as exc:
            raise RegistrarUnavailable(f"no answer from the registrar ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise RegistrarUnavailable(f"registrar unreachable ({type(exc).__name__}: {exc})") from exc
        if r.status_code < 300:
            return r
        body = _error_body(r)
        message = str(body.get("message") or r.reason_phrase or f"HTTP {r.status_code}")[:500]
        kw = {"status": r.status_code, "correlation_id": body.get("correlation_id")}
        if r.status_code == 429:
            retry_after = _retry_after(r.headers.get("retry-after"))
            self._blocked_until[bucket] = self._clock() + retry_after
            log.warning("registrar.rate_limited", path=path, retry_after=retry_after)
            raise RegistrarRateLimited(retry_after, message, **kw)
        if r.status_code in (401, 403):
            raise RegistrarAuthError(f"registrar refused the credentials: {message}", **kw)
        if r.status_code == 404:
            raise RegistrarNotFound(message, **kw)
        if r.status_code >= 500:
            raise RegistrarUnavailable(f"registrar error {r.status_code}: {message}", **kw)
        errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
        raise RegistrarRejected(message, errors, **kw)

    async def _pause(self, attempt: int, what: str, exc: Exception, minimum: float = 0.0) -> None:
        delay = max(minimum, min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0))
        log.info(
            "registrar.retry", what=what, attempt=attempt + 1, failure=str(exc)[:200], pause=round(delay, 3)
        )
        await asyncio.sleep(delay)


# ---- parsing -------------------------------------------------------------------------------------------------


def _recovered(d: PortfolioDomain) -> Order:
    return Order(domain=d.domain, status=d.status, recovered=True, registered=d.active)


def _json(r: httpx.Response) -> Any:
    if not r.content:
        return {}
    try:
        return r.json()
    except ValueError as exc:
        raise RegistrarUnavailable(
            f"registrar answered {r.status_code} with a body that is not JSON"
        ) from exc


def _error_body(r: httpx.Response) -> dict[str, Any]:
    try:
        data = r.json()
    except ValueError:
        return {"message": f"HTTP {r.status_code} {r.reason_phrase}: {r.text[:120].strip()}"}
    return data if isinstance(data, dict) else {}


def _retry_after(value: str | None, default: float = 60.0) -> float:
    """`Retry-After` in seconds or as an HTTP date; 60 s (Hostinger's window) when missing or unreadable."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def _parse_catalog(data: Any) -> dict[tuple[str, int], Price]:
    """`{(tld, years): Price}` from the DOMAIN catalog items (the TLD read from the item name, e.g. ".CO.IN Domain")."""
    out: dict[tuple[str, int], Price] = {}
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict) or str(item.get("category", "DOMAIN")).upper() != "DOMAIN":
            continue
        m = _TLD_FROM_NAME.match(str(item.get("name") or ""))
        if not m:
            continue
        tld = m.group(1).lower()
        for p in item.get("prices") or []:
            if not isinstance(p, dict) or p.get("period_unit", "year") != "year":
                continue
            try:
                price = Price(
                    tld=tld,
                    item_id=str(p["id"]),
                    price_paise=int(p["price"]),
                    first_period_price_paise=int(p.get("first_period_price", p["price"])),
                    period=int(p.get("period", 1)),
                    period_unit="year",
                    currency=str(p.get("currency") or "INR"),
                )
            except (KeyError, TypeError, ValueError):
                continue
            out[(tld, price.period)] = price
    return out
