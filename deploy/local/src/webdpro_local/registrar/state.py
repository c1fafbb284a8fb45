"""In-memory registrar: WHOIS profiles, the domain portfolio, orders, DNS zones, rate-limit windows.

Every method either answers the JSON body of a 200 or raises `ApiError` (Hostinger's status and body). One process,
one event loop, no awaits inside a method: a purchase checks and registers in one step, so two concurrent
purchases of one domain make exactly one registration.
"""

from __future__ import annotations

import ipaddress
import random
import re
import string
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from webdpro_local.registrar.catalog import (
    CURRENCY,
    GST_PERCENT,
    TLDS,
    alternative_domains,
    catalog_items,
    is_taken_by_others,
    price_by_id,
    split_domain,
    valid_label,
)
from webdpro_local.registrar.config import Config
from webdpro_local.registrar.errors import invalid, not_found, validation

DEFAULT_NAMESERVERS = ("ns1.dns-parking.com", "ns2.dns-parking.com")  # Hostinger's parking nameservers
PARKING_IP = "192.0.2.10"  # a documentation address: the emulator's "parked domain" A record
RECORD_TYPES = ("A", "AAAA", "CNAME", "ALIAS", "MX", "TXT", "NS", "SOA", "SRV", "CAA")
DEFAULT_TTL = 14400
ACCEPTED = {"message": "Request accepted"}  # Common.SuccessEmptyResource

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+\d{1,3}\.\d{4,14}$")  # EPP format: +91.9876543210
_HOSTNAME = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
WHOIS_REQUIRED = ("first_name", "last_name", "email", "phone", "address", "city", "zip")
PAYMENT_METHOD_ID = 1327362


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_years(dt: datetime, years: int) -> datetime:
    try:
        return dt.replace(year=dt.year + years)
    except ValueError:  # 29 February
        return dt.replace(year=dt.year + years, day=28)


def _attr(field: str) -> str:
    return field.replace("_", " ")  # Laravel writes attribute names with spaces in its messages


class Errors:
    """Collects Laravel-style validation messages per field."""

    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.items.setdefault(field, []).append(message)

    def required(self, body: dict[str, Any], field: str, path: str | None = None) -> bool:
        value = body.get(field)
        if value is None or (isinstance(value, str | list | dict) and not value):
            self.add(path or field, f"The {_attr(path or field)} field is required.")
            return False
        return True

    def string(
        self, body: dict[str, Any], field: str, path: str | None = None, *, required: bool = True
    ) -> str | None:
        name = path or field
        if field not in body or body[field] is None:
            if required:
                self.add(name, f"The {_attr(name)} field is required.")
            return None
        value = body[field]
        if not isinstance(value, str):
            self.add(name, f"The {_attr(name)} field must be a string.")
            return None
        if required and not value.strip():
            self.add(name, f"The {_attr(name)} field is required.")
            return None
        return value.strip()

    def raise_if_any(self) -> None:
        if self.items:
            raise validation(self.items)


class RateLimiter:
    """Fixed one-minute windows per key, like Laravel's `throttle` (the window starts with its first hit)."""

    def __init__(self) -> None:
        self.windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, limit: int, window: float = 60.0) -> tuple[bool, int, int]:
        """→ (allowed, remaining, seconds until the window resets). A refused request does not count."""
        now = time.monotonic()
        started, count = self.windows.get(key, (now, 0))
        if now - started >= window:
            started, count = now, 0
        reset_in = max(1, int(started + window - now + 0.999))
        if count >= limit:
            return False, 0, reset_in
        self.windows[key] = (started, count + 1)
        return True, limit - count - 1, reset_in

    def clear(self) -> None:
        self.windows.clear()


@dataclass
class Registered:
    id: int
    domain: str
    tld: str
    created: datetime
    expires: datetime
    contacts: dict[str, int]
    name_servers: dict[str, str]
    order_id: int
    subscription_id: str
    updated: datetime

    def summary(self) -> dict[str, Any]:
        """Domains.V1.Domain.DomainResource (the list)."""
        return {
            "id": self.id,
            "domain": self.domain,
            "type": "domain",
            "status": "active",
            "created_at": iso(self.created),
            "expires_at": iso(self.expires),
        }

    def extended(self) -> dict[str, Any]:
        """Domains.V1.Domain.DomainExtendedResource (one domain)."""
        return {
            "domain": self.domain,
            "status": "active",
            "message": None,
            "is_privacy_protection_allowed": self.tld
            not in ("in", "co.in"),  # .IN registry: no privacy service
            "is_privacy_protected": False,
            "is_lockable": True,
            "is_locked": True,
            "name_servers": dict(self.name_servers),
            "child_name_servers": [],
            "domain_contacts": dict(self.contacts),
            "created_at": iso(self.created),
            "updated_at": iso(self.updated),
            "60_days_lock_expires_at": iso(self.created + timedelta(days=60)),
            "registered_at": iso(self.created),
            "expires_at": iso(self.expires),
        }


class State:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.limiter = RateLimiter()
        self.reset()

    def reset(self) -> None:
        self.whois: dict[int, dict[str, Any]] = {}
        self.portfolio: dict[str, Registered] = {}
        self.orders: list[dict[str, Any]] = []
        self.zones: dict[str, list[dict[str, Any]]] = {}
        self.taken: set[str] = set(self.config.taken)
        self.limiter.clear()
        self._ids = {"whois": 741_288, "domain": 13_632, "order": 2_957_086}
        self._rng = random.Random(20250227)

    def _next(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def _subscription_id(self) -> str:
        alphabet = string.ascii_letters + string.digits
        return "Azz" + "".join(self._rng.choice(alphabet) for _ in range(14))

    # ---- availability & catalog ---------------------------------------------------------------------------

    def is_available(self, domain: str) -> bool:
        parsed = split_domain(domain)
        if parsed is None:
            return False
        label, _ = parsed
        return domain not in self.portfolio and not is_taken_by_others(label, domain, frozenset(self.taken))

    def availability(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        e = Errors()
        label = e.string(body, "domain")
        tlds = body.get("tlds")
        if tlds is None or tlds == []:
            e.add("tlds", "The tlds field is required.")
            tlds = []
        elif not isinstance(tlds, list):
            e.add("tlds", "The tlds field must be an array.")
            tlds = []
        alternatives = body.get("with_alternatives", False)
        if not isinstance(alternatives, bool):
            e.add("with_alternatives", "The with alternatives field must be true or false.")
            alternatives = False
        if label is not None:
            label = label.lower()
            if "." in label:
                e.add("domain", "The domain field must be a domain name without the TLD.")
            elif not valid_label(label):
                e.add("domain", "The domain field format is invalid.")
        clean: list[str] = []
        for i, tld in enumerate(tlds):
            t = tld.lower().lstrip(".") if isinstance(tld, str) else None
            if t not in TLDS:
                e.add(f"tlds.{i}", f"The selected tlds.{i} is invalid.")
            elif t not in clean:
                clean.append(t)
        if alternatives and len(tlds) > 1:
            e.add("tlds", "Only one TLD can be provided when with alternatives is true.")
        e.raise_if_any()
        assert label is not None
        out = [
            {
                "domain": f"{label}.{t}",
                "is_available": self.is_available(f"{label}.{t}"),
                "is_alternative": False,
                "restriction": TLDS[t].restriction,
            }
            for t in clean
        ]
        if alternatives:
            for domain in alternative_domains(label, clean[0]):
                if self.is_available(domain):
                    t = split_domain(domain)[1]  # type: ignore[index]
                    out.append(
                        {
                            "domain": domain,
                            "is_available": True,
                            "is_alternative": True,
                            "restriction": t.restriction,
                        }
                    )
        return out

    def catalog(self, query: dict[str, str]) -> list[dict[str, Any]]:
        category = query.get("category") or None
        if category is not None and category.upper() not in ("DOMAIN", "VPS"):
            raise invalid("category", "The selected category is invalid.")
        return catalog_items(category.upper() if category else None, query.get("name") or None)

    def payment_methods(self) -> list[dict[str, Any]]:
        return [
            {
                "id": PAYMENT_METHOD_ID,
                "name": "Credit Card",
                "identifier": "4111*****1111",
                "payment_method": "card",
                "is_default": True,
                "is_expired": False,
                "is_suspended": False,
                "created_at": "2025-01-02T10:00:00Z",
                "expires_at": "2030-12-31T23:59:59Z",
            }
        ]

    # ---- WHOIS profiles -----------------------------------------------------------------------------------

    def whois_create(self, body: dict[str, Any]) -> dict[str, Any]:
        e = Errors()
        tld = e.string(body, "tld")
        country = e.string(body, "country")
        entity = e.string(body, "entity_type")
        details = body.get("whois_details")
        tld_details = body.get("tld_details") or {}
        if tld is not None and tld.lower().lstrip(".") not in TLDS:
            e.add("tld", "The selected tld is invalid.")
        if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
            e.add("country", "The country field must be 2 characters.")
        if entity is not None and entity not in ("individual", "organization"):
            e.add("entity_type", "The selected entity type is invalid.")
        if not isinstance(tld_details, dict):
            e.add("tld_details", "The tld details field must be an array.")
        if details is None or details == {}:
            e.add("whois_details", "The whois details field is required.")
        elif not isinstance(details, dict):
            e.add("whois_details", "The whois details field must be an array.")
        else:
            for key in WHOIS_REQUIRED:
                e.string(details, key, f"whois_details.{key}")
            if entity == "organization":
                e.string(details, "company_name", "whois_details.company_name")
            if country and country.upper() == "IN":
                e.string(details, "state", "whois_details.state")
            email = details.get("email")
            if isinstance(email, str) and email.strip() and not _EMAIL.match(email.strip()):
                e.add("whois_details.email", "The whois details.email field must be a valid email address.")
            phone = details.get("phone")
            if isinstance(phone, str) and phone.strip() and not _PHONE.match(phone.strip()):
                e.add("whois_details.phone", "The whois details.phone field format is invalid.")
            zip_code = details.get("zip")
            if country and country.upper() == "IN" and isinstance(zip_code, str) and zip_code.strip():
                if not re.fullmatch(r"[1-9]\d{5}", zip_code.strip()):
                    e.add("whois_details.zip", "The whois details.zip field format is invalid.")
        e.raise_if_any()
        assert tld is not None and country is not None and entity is not None and isinstance(details, dict)
        now = datetime.now(UTC)
        profile = {
            "id": self._next("whois"),
            "tld": tld.lower().lstrip("."),
            "country": country.upper(),
            "entity_type": entity,
            "whois_details": {k: (v.strip() if isinstance(v, str) else v) for k, v in details.items()},
            "tld_details": tld_details,
            "created_at": iso(now),
            "updated_at": iso(now),
        }
        self.whois[profile["id"]] = profile
        return profile

    def whois_list(self, query: dict[str, str]) -> list[dict[str, Any]]:
        tld = (query.get("tld") or "").lower().lstrip(".")
        return [p for p in self.whois.values() if not tld or p["tld"] == tld]

    def whois_get(self, whois_id: str) -> dict[str, Any]:
        profile = self.whois.get(int(whois_id)) if whois_id.isdigit() else None
        if profile is None:
            raise not_found("WHOIS profile not found")
        return profile

    def whois_usage(self, whois_id: str) -> list[str]:
        profile = self.whois_get(whois_id)
        return [d.domain for d in self.portfolio.values() if profile["id"] in d.contacts.values()]

    def whois_delete(self, whois_id: str) -> dict[str, Any]:
        if self.whois_usage(whois_id):
            raise invalid("whois_id", "The WHOIS profile is in use by a domain and cannot be deleted.")
        del self.whois[int(whois_id)]
        return ACCEPTED

    def _default_whois(self, tld: str) -> int | None:
        return next((p["id"] for p in self.whois.values() if p["tld"] == tld), None)

    # ---- portfolio ----------------------------------------------------------------------------------------

    def purchase(self, body: dict[str, Any]) -> dict[str, Any]:
        e = Errors()
        domain = e.string(body, "domain")
        item_id = e.string(body, "item_id")
        parsed = None
        if domain is not None:
            domain = domain.lower().rstrip(".")
            parsed = split_domain(domain)
            if parsed is None:
                e.add("domain", "The domain field must be a valid domain name with a supported TLD.")
        price = None
        if item_id is not None:
            price = price_by_id(item_id)
            if price is None:
                e.add("item_id", "The selected item id is invalid.")
            elif parsed is not None and price[0].tld != parsed[1].tld:
                e.add("item_id", f"The item id is not a .{parsed[1].tld} domain registration.")
        pm = body.get("payment_method_id")
        if pm is not None and (not isinstance(pm, int) or isinstance(pm, bool)):
            e.add("payment_method_id", "The payment method id field must be an integer.")
        elif pm is not None and pm != PAYMENT_METHOD_ID:
            e.add("payment_method_id", "The selected payment method id is invalid.")
        contacts_in = body.get("domain_contacts")
        contacts: dict[str, int] = {}
        if contacts_in is not None and not isinstance(contacts_in, dict):
            e.add("domain_contacts", "The domain contacts field must be an array.")
            contacts_in = {}
        tld = parsed[1].tld if parsed else None
        for role in ("owner_id", "admin_id", "billing_id", "tech_id"):
            value = (contacts_in or {}).get(role)
            field = f"domain_contacts.{role}"
            if value is None:
                default = self._default_whois(tld) if tld else None
                if tld and default is None:
                    e.add(
                        field,
                        f"WHOIS information for .{tld} is missing: create a WHOIS profile for this TLD.",
                    )
                elif default is not None:
                    contacts[role] = default
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                e.add(field, f"The {_attr(field)} field must be an integer.")
            elif value not in self.whois:
                e.add(field, f"The selected {_attr(field)} is invalid.")
            elif tld and self.whois[value]["tld"] != tld:
                e.add(field, f"The WHOIS profile {value} is for .{self.whois[value]['tld']}, not .{tld}.")
            else:
                contacts[role] = value
        e.raise_if_any()
        assert domain is not None and parsed is not None and price is not None
        if domain in self.portfolio:
            raise invalid("domain", f"Domain {domain} is already registered.")
        if not self.is_available(domain):
            raise invalid("domain", f"Domain {domain} is not available for registration.")
        t, years = price
        now = datetime.now(UTC)
        subtotal = t.first_year_paise + t.renewal_paise * (years - 1)
        total = subtotal + (subtotal * GST_PERCENT + 50) // 100
        order = {
            "id": self._next("order"),
            "subscription_id": self._subscription_id(),
            "status": "completed",
            "currency": CURRENCY,
            "subtotal": subtotal,
            "total": total,
            "billing_address": self._billing_address(contacts.get("billing_id") or contacts.get("owner_id")),
            "created_at": iso(now),
            "updated_at": iso(now),
        }
        self.orders.append({**order, "domain": domain, "item_id": item_id})
        self.portfolio[domain] = Registered(
            id=self._next("domain"),
            domain=domain,
            tld=t.tld,
            created=now,
            expires=add_years(now, years),
            contacts=contacts,
            name_servers={"ns1": DEFAULT_NAMESERVERS[0], "ns2": DEFAULT_NAMESERVERS[1]},
            order_id=order["id"],
            subscription_id=order["subscription_id"],
            updated=now,
        )
        self.zones[domain] = default_zone(domain)
        return order

    def _billing_address(self, whois_id: int | None) -> dict[str, Any]:
        d = self.whois.get(whois_id or -1, {}).get("whois_details", {})
        return {
            "first_name": d.get("first_name"),
            "last_name": d.get("last_name"),
            "company": d.get("company_name"),
            "address_1": d.get("address"),
            "address_2": None,
            "city": d.get("city"),
            "state": d.get("state"),
            "zip": d.get("zip"),
            "country": self.whois.get(whois_id or -1, {}).get("country"),
            "phone": d.get("phone"),
            "email": d.get("email"),
        }

    def _domain(self, domain: str) -> Registered:
        found = self.portfolio.get(domain.lower().rstrip("."))
        if found is None:
            raise not_found(f"Domain {domain} not found")
        return found

    def portfolio_list(self) -> list[dict[str, Any]]:
        return [d.summary() for d in self.portfolio.values()]

    def portfolio_get(self, domain: str) -> dict[str, Any]:
        return self._domain(domain).extended()

    def set_nameservers(self, domain: str, body: dict[str, Any]) -> dict[str, Any]:
        registered = self._domain(domain)
        e = Errors()
        servers: dict[str, str] = {}
        for key in ("ns1", "ns2", "ns3", "ns4"):
            value = e.string(body, key, required=key in ("ns1", "ns2"))
            if value is None:
                continue
            host = value.lower().rstrip(".")
            if not _HOSTNAME.match(host):
                e.add(key, f"The {key} field must be a valid hostname.")
            else:
                servers[key] = host
        if len(set(servers.values())) != len(servers):
            e.add("ns2", "The nameservers must be different.")
        e.raise_if_any()
        registered.name_servers = servers
        registered.updated = datetime.now(UTC)
        return ACCEPTED

    # ---- DNS zone -----------------------------------------------------------------------------------------

    def zone_get(self, domain: str) -> list[dict[str, Any]]:
        self._domain(domain)
        return self.zones.setdefault(domain.lower().rstrip("."), default_zone(domain))

    def _parse_zone(self, body: dict[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
        e = Errors()
        overwrite = body.get("overwrite", True)
        if not isinstance(overwrite, bool):
            e.add("overwrite", "The overwrite field must be true or false.")
        zone = body.get("zone")
        if zone is None or zone == []:
            e.add("zone", "The zone field is required.")
            zone = []
        elif not isinstance(zone, list):
            e.add("zone", "The zone field must be an array.")
            zone = []
        parsed: list[dict[str, Any]] = []
        for i, rr in enumerate(zone):
            p = f"zone.{i}"
            if not isinstance(rr, dict):
                e.add(p, f"The {p} field must be an array.")
                continue
            name = e.string(rr, "name", f"{p}.name")
            rtype = e.string(rr, "type", f"{p}.type")
            if rtype is not None and rtype.upper() not in RECORD_TYPES:
                e.add(f"{p}.type", f"The selected {p}.type is invalid.")
            ttl = rr.get("ttl", DEFAULT_TTL)
            if not isinstance(ttl, int) or isinstance(ttl, bool) or not 60 <= ttl <= 2_592_000:
                e.add(f"{p}.ttl", f"The {p}.ttl field must be an integer between 60 and 2592000.")
            records = rr.get("records")
            if not isinstance(records, list) or not records:
                e.add(f"{p}.records", f"The {p}.records field is required.")
                records = []
            contents: list[str] = []
            for j, rec in enumerate(records):
                rp = f"{p}.records.{j}.content"
                content = e.string(rec, "content", rp) if isinstance(rec, dict) else None
                if not isinstance(rec, dict):
                    e.add(rp, f"The {rp} field is required.")
                if content is None:
                    continue
                kind = (rtype or "").upper()
                if kind in ("A", "AAAA"):
                    try:
                        ip = ipaddress.ip_address(content)
                        if (kind == "A") != (ip.version == 4):
                            raise ValueError
                    except ValueError:
                        e.add(rp, f"The {rp} field must be a valid IPv{4 if kind == 'A' else 6} address.")
                contents.append(content)
            if name is not None and rtype is not None:
                parsed.append({"name": name.lower(), "type": rtype.upper(), "ttl": ttl, "records": contents})
        e.raise_if_any()
        return bool(overwrite), parsed

    def zone_put(self, domain: str, body: dict[str, Any]) -> dict[str, Any]:
        zone = self.zone_get(domain)
        overwrite, parsed = self._parse_zone(body)
        for rr in parsed:
            existing = next((z for z in zone if z["name"] == rr["name"] and z["type"] == rr["type"]), None)
            new_records = [{"content": c, "is_disabled": False} for c in rr["records"]]
            if existing is None:
                zone.append(
                    {"name": rr["name"], "records": new_records, "ttl": rr["ttl"], "type": rr["type"]}
                )
            elif overwrite:
                existing["records"] = new_records
                existing["ttl"] = rr["ttl"]
            else:
                have = {r["content"] for r in existing["records"]}
                existing["records"] += [r for r in new_records if r["content"] not in have]
                existing["ttl"] = rr["ttl"]
        return ACCEPTED

    def zone_validate(self, domain: str, body: dict[str, Any]) -> dict[str, Any]:
        self._domain(domain)
        self._parse_zone(body)
        return ACCEPTED

    def zone_delete(self, domain: str, body: dict[str, Any]) -> dict[str, Any]:
        zone = self.zone_get(domain)
        filters = body.get("filters")
        if not isinstance(filters, list) or not filters:
            raise invalid("filters", "The filters field is required.")
        e = Errors()
        wanted: set[tuple[str, str]] = set()
        for i, f in enumerate(filters):
            name = e.string(f, "name", f"filters.{i}.name") if isinstance(f, dict) else None
            rtype = e.string(f, "type", f"filters.{i}.type") if isinstance(f, dict) else None
            if name is not None and rtype is not None:
                wanted.add((name.lower(), rtype.upper()))
        e.raise_if_any()
        zone[:] = [z for z in zone if (z["name"], z["type"]) not in wanted]
        return ACCEPTED

    # ---- control ------------------------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        return {
            "portfolio": {d: r.extended() | {"order_id": r.order_id} for d, r in self.portfolio.items()},
            "orders": self.orders,
            "whois": list(self.whois.values()),
            "zones": self.zones,
            "taken": sorted(self.taken),
        }


def default_zone(domain: str) -> list[dict[str, Any]]:
    """The records Hostinger's DNS puts in a new domain's zone: a parked A record, www, mail and SPF."""
    domain = domain.lower().rstrip(".")

    def rr(name: str, rtype: str, *contents: str, ttl: int = DEFAULT_TTL) -> dict[str, Any]:
        return {
            "name": name,
            "records": [{"content": c, "is_disabled": False} for c in contents],
            "ttl": ttl,
            "type": rtype,
        }

    return [
        rr("@", "A", PARKING_IP),
        rr("www", "CNAME", f"{domain}."),
        rr("@", "MX", "5 mx1.hostinger.com.", "10 mx2.hostinger.com."),
        rr("@", "TXT", '"v=spf1 include:_spf.mail.hostinger.com ~all"', ttl=3600),
        rr("@", "CAA", '0 issue "letsencrypt.org"'),
    ]
