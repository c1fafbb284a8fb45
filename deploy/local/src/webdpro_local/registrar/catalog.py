"""What the emulated registrar sells and what is already taken: the billing catalog (INR, paise), the TLDs, a
deterministic taken-list and the alternatives offered for a name.

Prices are plausible Hostinger India list prices (first year on offer, renewal at the regular price); they are
the emulator's, not a quote. `price` is the regular price of the whole period, `first_period_price` what the
first period costs (Hostinger's catalog fields, in cents of the currency)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

CURRENCY = "INR"
GST_PERCENT = 18  # orders: subtotal (exc. VAT/GST) → total (inc.)


@dataclass(frozen=True, slots=True)
class Tld:
    tld: str
    first_year_paise: int
    renewal_paise: int
    restriction: str | None = None

    @property
    def slug(self) -> str:
        return self.tld.replace(".", "-")

    @property
    def item_id(self) -> str:
        return f"hostingercom-domain-{self.slug}"

    def price_id(self, years: int) -> str:
        return f"hostingercom-domain-{self.slug}-{CURRENCY.lower()}-{years}y"


TLDS: dict[str, Tld] = {
    t.tld: t
    for t in (
        Tld("in", 44_900, 89_900),
        Tld("com", 74_900, 134_900),
        Tld("co.in", 29_900, 64_900),
        Tld("store", 14_900, 449_900),
        Tld("net", 119_900, 149_900),
        Tld("org", 89_900, 129_900),
        Tld("online", 9_900, 299_900),
        Tld("shop", 14_900, 349_900),
    )
}
PERIODS = (1, 2, 3)  # years


def catalog_items(category: str | None, name: str | None) -> list[dict[str, Any]]:
    """`GET /api/billing/v1/catalog` items; `name` accepts `*` wildcards (`.COM*`), case-insensitive."""
    items: list[dict[str, Any]] = []
    if category in (None, "DOMAIN"):
        for t in TLDS.values():
            prices = [
                {
                    "id": t.price_id(years),
                    "name": f".{t.tld.upper()} Domain (billed every {'year' if years == 1 else f'{years} years'})",
                    "currency": CURRENCY,
                    "price": t.renewal_paise * years,
                    "first_period_price": t.first_year_paise + t.renewal_paise * (years - 1),
                    "period": years,
                    "period_unit": "year",
                }
                for years in PERIODS
            ]
            items.append(
                {"id": t.item_id, "name": f".{t.tld.upper()} Domain", "category": "DOMAIN", "prices": prices}
            )
    if category in (None, "VPS"):
        items.append(
            {
                "id": "hostingercom-vps-kvm2",
                "name": "KVM 2",
                "category": "VPS",
                "prices": [
                    {
                        "id": "hostingercom-vps-kvm2-inr-1m",
                        "name": "KVM 2 (billed every month)",
                        "currency": CURRENCY,
                        "price": 139_900,
                        "first_period_price": 69_900,
                        "period": 1,
                        "period_unit": "month",
                    }
                ],
            }
        )
    if name:
        pattern = name.lower()
        items = [i for i in items if fnmatch.fnmatchcase(i["name"].lower(), pattern)]
    return items


def price_by_id(price_id: str) -> tuple[Tld, int] | None:
    """(TLD, years) of a domain price item id."""
    for t in TLDS.values():
        for years in PERIODS:
            if t.price_id(years) == price_id:
                return t, years
    return None


# ---- names ---------------------------------------------------------------------------------------------------

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

# Well-known names: registered in every TLD (what a merchant is most likely to try and not get).
TAKEN_NAMES = frozenset(
    {
        "google",
        "facebook",
        "amazon",
        "apple",
        "microsoft",
        "flipkart",
        "myntra",
        "swiggy",
        "zomato",
        "paytm",
        "reliance",
        "tata",
        "infosys",
        "airtel",
        "jio",
        "bigbasket",
        "nykaa",
        "hostinger",
        "example",
        "test",
        "shop",
        "store",
        "webdpro",
    }
)


def valid_label(label: str) -> bool:
    return bool(_LABEL.match(label))


def split_domain(domain: str) -> tuple[str, Tld] | None:
    """`curam.co.in` → ("curam", Tld co.in); None when the TLD is not sold or the label is not valid."""
    domain = domain.strip().lower().rstrip(".")
    for tld in sorted(TLDS, key=len, reverse=True):  # co.in before in
        suffix = "." + tld
        if domain.endswith(suffix):
            label = domain[: -len(suffix)]
            if "." not in label and valid_label(label):
                return label, TLDS[tld]
            return None
    return None


def is_taken_by_others(label: str, domain: str, extra: frozenset[str]) -> bool:
    """Registered by someone else: a well-known name, a name marked taken (`taken-…`/`…-taken`), or listed."""
    return (
        label in TAKEN_NAMES
        or label.startswith("taken-")
        or label.endswith("-taken")
        or label in extra
        or domain in extra
    )


def alternative_domains(label: str, tld: str) -> list[str]:
    """Deterministic suggestions for `label.tld`: the name under the other TLDs, then variations of it."""
    others = [f"{label}.{t}" for t in ("in", "com", "co.in", "store", "online", "shop") if t != tld]
    variations = [
        f"{v}.{tld}"
        for v in (f"{label}online", f"{label}store", f"get{label}", f"{label}india", f"the{label}")
    ]
    return [d for d in (*others, *variations) if split_domain(d)]
