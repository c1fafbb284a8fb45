"""Host names a store can be published under: the free subdomain slug (`curam` → `curam.<sites domain>`) and a
merchant's own domain (`curamfresh.in`). Pure rules, no I/O: whether a name is free is the host map's business."""

from __future__ import annotations

import re

from webdpro_core.errors import ValidationProblem

SLUG_MIN, SLUG_MAX = 3, 40

# Names that would impersonate the platform or collide with its own hosts.
RESERVED = frozenset(
    {
        "www", "api", "admin", "app", "mail", "email", "smtp", "imap", "pop", "ftp", "ns", "ns1", "ns2", "mx",
        "shop", "store", "stores", "static", "assets", "cdn", "media", "img", "images", "status", "help",
        "support", "dashboard", "console", "webdpro", "localhost", "login", "auth", "account", "accounts",
        "billing", "pay", "payments", "checkout", "docs", "blog", "dev", "test", "staging", "preview",
        "internal", "root", "sitegen", "edge", "founder", "security",
    }
)  # fmt: skip

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def subdomain_slug(q: str, *, field: str = "q") -> str:
    """The slug for `q` (trimmed, lowercased), or 422 INVALID_SUBDOMAIN / SUBDOMAIN_RESERVED."""
    slug = (q or "").strip().lower()
    if not (SLUG_MIN <= len(slug) <= SLUG_MAX) or not _SLUG.match(slug) or "--" in slug:
        raise ValidationProblem(
            f"A store name is {SLUG_MIN}-{SLUG_MAX} letters, digits or '-' (not at either end)",
            code="INVALID_SUBDOMAIN",
            field=field,
        )
    if slug in RESERVED:
        raise ValidationProblem(f"'{slug}' is reserved", code="SUBDOMAIN_RESERVED", field=field)
    return slug


def subdomain_host(slug: str, sites_domain: str) -> str:
    return f"{slug}.{sites_domain.strip('.').lower()}"


def normalise_hostname(name: str, *, field: str = "domain.name") -> str:
    """A merchant's own domain as a lowercase ASCII host name (IDNA for non-ASCII names), or 422 INVALID_DOMAIN.
    At least two labels, a letter-only top-level label, each label 1-63 chars, 253 chars in all."""
    raw = (name or "").strip().rstrip(".").lower()
    for prefix in ("https://", "http://"):
        raw = raw.removeprefix(prefix)
    try:
        ascii_name = raw.encode("idna").decode("ascii") if raw and not raw.isascii() else raw
    except UnicodeError:
        ascii_name = ""
    labels = ascii_name.split(".")
    if (
        not ascii_name
        or len(ascii_name) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or not re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1])
    ):
        raise ValidationProblem(f"'{name}' is not a valid domain name", code="INVALID_DOMAIN", field=field)
    return ascii_name


def alternatives(slug: str, city: str | None = None) -> list[str]:
    """Candidate slugs near a taken one, most natural first (the caller keeps the free ones)."""
    base = slug[: SLUG_MAX - 8].rstrip("-")
    out: list[str] = []
    city_slug = re.sub(r"[^a-z0-9]+", "-", (city or "").lower()).strip("-")
    if city_slug:
        out.append(f"{base}-{city_slug}"[:SLUG_MAX].rstrip("-"))
    out += [f"{base}-online", f"{base}-india", f"my{base}"[:SLUG_MAX]]
    out += [f"{base}-{n}" for n in range(2, 10)]
    return [c for i, c in enumerate(out) if c not in out[:i] and c not in RESERVED and _SLUG.match(c)]
