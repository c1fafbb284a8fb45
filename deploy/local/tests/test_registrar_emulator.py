"""The registrar emulator over real HTTP: Hostinger's auth, availability (taken-list, alternatives, rate limit),
billing catalog, WHOIS validation, purchase and portfolio, nameservers, DNS zones, errors and the fault switch."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from webdpro_local.registrar import RegistrarControl, running_registrar

AVAIL = "/api/domains/v1/availability"
PORTFOLIO = "/api/domains/v1/portfolio"
WHOIS = "/api/domains/v1/whois"

MERCHANT = {
    "first_name": "Asha",
    "last_name": "Patil",
    "email": "asha@curam.example",
    "phone": "+91.9876543210",
    "address": "12 Linking Road, Bandra West",
    "city": "Mumbai",
    "state": "Maharashtra",
    "zip": "400050",
}


@pytest.fixture(scope="module")
def reg() -> Iterator[RegistrarControl]:
    with running_registrar(availability_rate_per_minute=1000) as control:
        yield control


@pytest.fixture(autouse=True)
def clean(reg: RegistrarControl) -> None:
    reg.reset()
    reg.configure(availability_rate_per_minute=1000, rate_per_minute=0)


def whois(reg: RegistrarControl, tld: str = "in", **details: str) -> int:
    r = reg.api(
        "POST",
        WHOIS,
        json={
            "tld": tld,
            "country": "IN",
            "entity_type": "individual",
            "whois_details": {**MERCHANT, **details},
        },
    )
    assert r.status_code == 200, r.text
    return r.json()["id"]


def buy(reg: RegistrarControl, domain: str, item_id: str | None = None, **extra) -> httpx.Response:
    tld = domain.split(".", 1)[1]
    item_id = item_id or f"hostingercom-domain-{tld.replace('.', '-')}-inr-1y"
    return reg.api("POST", PORTFOLIO, json={"domain": domain, "item_id": item_id, **extra})


def assert_error(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) <= {"message", "correlation_id", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    assert len(body["correlation_id"]) == 36
    return body


# ---- auth and routing ----------------------------------------------------------------------------------------


def test_bearer_token_is_required(reg: RegistrarControl) -> None:
    body = {"domain": "curam", "tlds": ["in"]}
    no_auth = reg.http.post(AVAIL, json=body)
    assert assert_error(no_auth, 401) == {
        "message": "Unauthenticated",
        "correlation_id": no_auth.json()["correlation_id"],
    }
    assert_error(reg.api("POST", AVAIL, json=body, token="wrong"), 401)
    assert_error(reg.http.post(AVAIL, json=body, headers={"Authorization": f"Basic {reg.token}"}), 401)
    assert reg.api("POST", AVAIL, json=body).status_code == 200
    # Every answer carries its own correlation id.
    a, b = (reg.http.get("/api/domains/v1/portfolio").json()["correlation_id"] for _ in range(2))
    assert a != b


def test_unknown_route_and_wrong_method(reg: RegistrarControl) -> None:
    assert "could not be found" in assert_error(reg.api("GET", "/api/domains/v1/nothing"), 404)["message"]
    body = assert_error(reg.api("GET", AVAIL), 405)
    assert "Supported methods: POST" in body["message"]


# ---- availability --------------------------------------------------------------------------------------------


def test_availability_answers_each_tld_in_order(reg: RegistrarControl) -> None:
    r = reg.api("POST", AVAIL, json={"domain": "Curam", "tlds": ["in", "com", "co.in", "store"]})
    assert r.status_code == 200
    assert r.json() == [
        {"domain": f"curam.{t}", "is_available": True, "is_alternative": False, "restriction": None}
        for t in ("in", "com", "co.in", "store")
    ]
    taken = reg.api("POST", AVAIL, json={"domain": "flipkart", "tlds": ["in", "com"]}).json()
    assert [a["is_available"] for a in taken] == [False, False]
    for label in ("taken-veggies", "veggies-taken", "google", "example"):
        assert (
            reg.api("POST", AVAIL, json={"domain": label, "tlds": ["in"]}).json()[0]["is_available"] is False
        )


def test_alternatives_need_one_tld_and_are_available_ones(reg: RegistrarControl) -> None:
    r = reg.api("POST", AVAIL, json={"domain": "myntra", "tlds": ["in"], "with_alternatives": True})
    items = r.json()
    assert items[0] == {
        "domain": "myntra.in",
        "is_available": False,
        "is_alternative": False,
        "restriction": None,
    }
    alternatives = items[1:]
    assert alternatives and all(a["is_alternative"] and a["is_available"] for a in alternatives)
    assert "myntraonline.in" in [a["domain"] for a in alternatives]
    # Deterministic.
    assert (
        reg.api("POST", AVAIL, json={"domain": "myntra", "tlds": ["in"], "with_alternatives": True}).json()
        == items
    )
    body = assert_error(
        reg.api("POST", AVAIL, json={"domain": "curam", "tlds": ["in", "com"], "with_alternatives": True}),
        422,
    )
    assert "tlds" in body["errors"]


def test_availability_validation(reg: RegistrarControl) -> None:
    body = assert_error(reg.api("POST", AVAIL, json={"domain": "curam.in", "tlds": ["in", "zz"]}), 422)
    assert set(body["errors"]) == {"domain", "tlds.1"}
    assert body["message"].endswith("(and 1 more error)")
    body = assert_error(reg.api("POST", AVAIL, json={}), 422)
    assert body["errors"] == {
        "domain": ["The domain field is required."],
        "tlds": ["The tlds field is required."],
    }
    assert_error(
        reg.api("POST", AVAIL, content=b"not json", headers={"Content-Type": "application/json"}), 422
    )
    assert_error(reg.api("POST", AVAIL, json={"domain": "-curam", "tlds": ["in"]}), 422)


def test_availability_rate_limit_answers_429_with_retry_after(reg: RegistrarControl) -> None:
    reg.configure(availability_rate_per_minute=3)
    remaining = []
    for _ in range(3):
        r = reg.api("POST", AVAIL, json={"domain": "curam", "tlds": ["in"]})
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Limit"] == "3"
        remaining.append(int(r.headers["X-RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    r = reg.api("POST", AVAIL, json={"domain": "curam", "tlds": ["in"]})
    body = assert_error(r, 429)
    assert body["message"] == "Too Many Attempts."
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert int(r.headers["X-RateLimit-Reset"]) >= int(time.time())
    assert r.headers["X-RateLimit-Remaining"] == "0"
    # Only availability is limited; other endpoints answer.
    assert reg.api("GET", "/api/billing/v1/catalog").status_code == 200
    # The limit is per token: another token is unauthenticated anyway, and a reset opens the window again.
    reg.reset()
    assert reg.api("POST", AVAIL, json={"domain": "curam", "tlds": ["in"]}).status_code == 200


def test_general_rate_limit_when_configured(reg: RegistrarControl) -> None:
    reg.configure(rate_per_minute=2)
    statuses = [reg.api("GET", PORTFOLIO).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# ---- catalog -------------------------------------------------------------------------------------------------


def test_catalog_sells_the_platform_tlds_in_paise(reg: RegistrarControl) -> None:
    items = reg.api("GET", "/api/billing/v1/catalog", params={"category": "DOMAIN"}).json()
    by_name = {i["name"]: i for i in items}
    for tld in ("in", "com", "co.in", "store"):
        item = by_name[f".{tld.upper()} Domain"]
        assert item["category"] == "DOMAIN"
        one_year = next(p for p in item["prices"] if p["period"] == 1 and p["period_unit"] == "year")
        assert one_year["id"] == f"hostingercom-domain-{tld.replace('.', '-')}-inr-1y"
        assert one_year["currency"] == "INR"
        assert isinstance(one_year["price"], int) and isinstance(one_year["first_period_price"], int)
        assert 9_900 <= one_year["first_period_price"] <= one_year["price"] <= 500_000  # ₹99 … ₹5,000
    assert all(i["category"] == "DOMAIN" for i in items)
    com = reg.api("GET", "/api/billing/v1/catalog", params={"name": ".COM*"}).json()
    assert [i["name"] for i in com] == [".COM Domain"]
    assert_error(reg.api("GET", "/api/billing/v1/catalog", params={"category": "HOSTING"}), 422)
    assert_error(reg.api("GET", "/api/billing/v1/catalog", token="nope"), 401)


# ---- WHOIS ---------------------------------------------------------------------------------------------------


def test_whois_profiles_are_validated_and_listed_per_tld(reg: RegistrarControl) -> None:
    in_id = whois(reg, "in")
    com_id = whois(reg, "com")
    listed = reg.api("GET", WHOIS, params={"tld": "in"}).json()
    assert [p["id"] for p in listed] == [in_id]
    assert listed[0]["whois_details"]["email"] == MERCHANT["email"]
    assert {p["id"] for p in reg.api("GET", WHOIS).json()} == {in_id, com_id}
    assert reg.api("GET", f"{WHOIS}/{in_id}").json()["tld"] == "in"
    assert_error(reg.api("GET", f"{WHOIS}/999"), 404)

    body = assert_error(
        reg.api(
            "POST",
            WHOIS,
            json={
                "tld": "in",
                "country": "India",
                "entity_type": "company",
                "whois_details": {**MERCHANT, "email": "not-an-email", "phone": "98765", "zip": "40005"},
            },
        ),
        422,
    )
    assert set(body["errors"]) == {"country", "entity_type", "whois_details.email", "whois_details.phone"}
    pin = {
        "tld": "in",
        "country": "IN",
        "entity_type": "individual",
        "whois_details": {**MERCHANT, "zip": "40005"},
    }
    assert set(assert_error(reg.api("POST", WHOIS, json=pin), 422)["errors"]) == {"whois_details.zip"}
    body = assert_error(
        reg.api(
            "POST",
            WHOIS,
            json={"tld": "in", "country": "IN", "entity_type": "organization", "whois_details": MERCHANT},
        ),
        422,
    )
    assert body["errors"] == {
        "whois_details.company_name": ["The whois details.company name field is required."]
    }
    assert (
        "whois_details"
        in assert_error(
            reg.api("POST", WHOIS, json={"tld": "in", "country": "IN", "entity_type": "individual"}), 422
        )["errors"]
    )


# ---- purchase and portfolio ----------------------------------------------------------------------------------


def test_purchase_registers_the_domain_once(reg: RegistrarControl) -> None:
    owner = whois(reg, "in")
    r = buy(
        reg,
        "curam.in",
        domain_contacts={"owner_id": owner, "admin_id": owner, "billing_id": owner, "tech_id": owner},
    )
    assert r.status_code == 200, r.text
    order = r.json()
    assert {"id", "subscription_id", "status", "currency", "subtotal", "total"} <= set(order)
    assert order["status"] == "completed" and order["currency"] == "INR"
    assert order["total"] == round(order["subtotal"] * 1.18)
    assert order["billing_address"]["email"] == MERCHANT["email"]

    listed = reg.api("GET", PORTFOLIO).json()
    assert [(d["domain"], d["type"], d["status"]) for d in listed] == [("curam.in", "domain", "active")]
    detail = reg.api("GET", f"{PORTFOLIO}/curam.in").json()
    assert detail["domain"] == "curam.in" and detail["status"] == "active"
    assert detail["name_servers"] == {"ns1": "ns1.dns-parking.com", "ns2": "ns2.dns-parking.com"}
    assert detail["domain_contacts"] == {
        "owner_id": owner,
        "admin_id": owner,
        "billing_id": owner,
        "tech_id": owner,
    }
    assert detail["expires_at"] > detail["created_at"]

    # Bought: no longer available, and buying again is refused like Hostinger would.
    assert reg.api("POST", AVAIL, json={"domain": "curam", "tlds": ["in"]}).json()[0]["is_available"] is False
    again = assert_error(buy(reg, "curam.in"), 422)
    assert "already registered" in again["message"] and "domain" in again["errors"]
    assert len(reg.orders("curam.in")) == 1


def test_purchase_uses_the_default_whois_profile_of_the_tld(reg: RegistrarControl) -> None:
    body = assert_error(buy(reg, "curam.com"), 422)
    assert "domain_contacts.owner_id" in body["errors"]  # no .com profile yet
    profile = whois(reg, "com")
    assert buy(reg, "curam.com").status_code == 200
    assert reg.api("GET", f"{PORTFOLIO}/curam.com").json()["domain_contacts"]["owner_id"] == profile


def test_purchase_refusals(reg: RegistrarControl) -> None:
    in_profile = whois(reg, "in")
    com_profile = whois(reg, "com")
    whois(reg, "co.in")
    assert "domain" in assert_error(buy(reg, "flipkart.in"), 422)["errors"]
    reg.take("veggies.in")
    assert "not available" in assert_error(buy(reg, "veggies.in"), 422)["message"]
    assert buy(reg, "veggies.co.in").status_code == 200  # only veggies.in was taken
    assert "item_id" in assert_error(buy(reg, "curam.in", "hostingercom-domain-com-inr-1y"), 422)["errors"]
    assert "item_id" in assert_error(buy(reg, "curam.in", "no-such-item"), 422)["errors"]
    assert "domain" in assert_error(buy(reg, "curam.zz", "hostingercom-domain-in-inr-1y"), 422)["errors"]
    wrong_tld = {"owner_id": com_profile, "admin_id": in_profile, "billing_id": in_profile, "tech_id": 5}
    errors = assert_error(buy(reg, "curam.in", domain_contacts=wrong_tld), 422)["errors"]
    assert set(errors) == {"domain_contacts.owner_id", "domain_contacts.tech_id"}
    assert "payment_method_id" in assert_error(buy(reg, "curam.in", payment_method_id=1), 422)["errors"]
    assert buy(reg, "curam.in", payment_method_id=1327362).status_code == 200
    assert [o["domain"] for o in reg.orders()] == ["veggies.co.in", "curam.in"]


def test_unknown_domain_is_404(reg: RegistrarControl) -> None:
    assert_error(reg.api("GET", f"{PORTFOLIO}/nobody.in"), 404)
    assert_error(
        reg.api("PUT", f"{PORTFOLIO}/nobody.in/nameservers", json={"ns1": "a.b.com", "ns2": "c.d.com"}), 404
    )
    assert_error(reg.api("GET", "/api/dns/v1/zones/nobody.in"), 404)


def test_nameservers(reg: RegistrarControl) -> None:
    whois(reg, "in")
    buy(reg, "curam.in")
    ns = {
        "ns1": "ns-1536.awsdns-00.co.uk",
        "ns2": "ns-0.awsdns-00.com",
        "ns3": "ns-1024.awsdns-00.org.",
        "ns4": "ns-512.awsdns-00.net",
    }
    r = reg.api("PUT", f"{PORTFOLIO}/curam.in/nameservers", json=ns)
    assert r.status_code == 200 and r.json() == {"message": "Request accepted"}
    detail = reg.api("GET", f"{PORTFOLIO}/curam.in").json()
    assert detail["name_servers"] == {**ns, "ns3": "ns-1024.awsdns-00.org"}
    body = assert_error(reg.api("PUT", f"{PORTFOLIO}/curam.in/nameservers", json={"ns1": "not a host"}), 422)
    assert set(body["errors"]) == {"ns1", "ns2"}


def test_dns_zone_read_and_update(reg: RegistrarControl) -> None:
    whois(reg, "in")
    buy(reg, "curam.in")
    zone = reg.api("GET", "/api/dns/v1/zones/curam.in").json()
    assert {(z["name"], z["type"]) for z in zone} >= {("@", "A"), ("www", "CNAME"), ("@", "MX")}
    assert all({"name", "records", "ttl", "type"} == set(z) for z in zone)

    put = {
        "zone": [
            {"name": "@", "type": "A", "ttl": 300, "records": [{"content": "203.0.113.7"}]},
            {"name": "_acme", "type": "TXT", "records": [{"content": "token-1"}]},
        ]
    }
    assert reg.api("PUT", "/api/dns/v1/zones/curam.in", json=put).status_code == 200
    zone = reg.api("GET", "/api/dns/v1/zones/curam.in").json()
    a = next(z for z in zone if (z["name"], z["type"]) == ("@", "A"))
    assert a == {
        "name": "@",
        "records": [{"content": "203.0.113.7", "is_disabled": False}],
        "ttl": 300,
        "type": "A",
    }
    append = {
        "overwrite": False,
        "zone": [{"name": "_acme", "type": "TXT", "ttl": 60, "records": [{"content": "token-2"}]}],
    }
    reg.api("PUT", "/api/dns/v1/zones/curam.in", json=append)
    txt = next(z for z in reg.api("GET", "/api/dns/v1/zones/curam.in").json() if z["name"] == "_acme")
    assert [r["content"] for r in txt["records"]] == ["token-1", "token-2"] and txt["ttl"] == 60

    bad = {
        "zone": [
            {"name": "@", "type": "A", "records": [{"content": "not-an-ip"}]},
            {"name": "x", "type": "BOGUS"},
        ]
    }
    errors = assert_error(reg.api("PUT", "/api/dns/v1/zones/curam.in", json=bad), 422)["errors"]
    assert {"zone.0.records.0.content", "zone.1.type", "zone.1.records"} <= set(errors)
    assert_error(reg.api("POST", "/api/dns/v1/zones/curam.in/validate", json=bad), 422)
    assert reg.api("POST", "/api/dns/v1/zones/curam.in/validate", json=put).status_code == 200

    r = reg.api("DELETE", "/api/dns/v1/zones/curam.in", json={"filters": [{"name": "_acme", "type": "TXT"}]})
    assert r.status_code == 200
    assert "_acme" not in {z["name"] for z in reg.api("GET", "/api/dns/v1/zones/curam.in").json()}


# ---- faults and the log --------------------------------------------------------------------------------------


def test_fault_fails_the_next_requests_without_doing_the_work(reg: RegistrarControl) -> None:
    whois(reg, "in")
    reg.fault(2, 503, paths=PORTFOLIO, methods="POST")
    assert assert_error(buy(reg, "curam.in"), 503)["message"] == "Service Unavailable"
    assert reg.api("GET", PORTFOLIO).status_code == 200  # GET is not matched
    assert_error(buy(reg, "curam.in"), 503)
    assert reg.orders() == []
    assert buy(reg, "curam.in").status_code == 200
    posts = reg.log(PORTFOLIO, "POST")
    assert [(e["status"], e["processed"], bool(e["fault"])) for e in posts] == [
        (503, False, True),
        (503, False, True),
        (200, True, False),
    ]
    assert posts[0]["body"]["domain"] == "curam.in"


def test_fault_with_process_loses_the_answer_of_work_done(reg: RegistrarControl) -> None:
    whois(reg, "in")
    reg.fault(1, 500, paths=PORTFOLIO, methods="POST", process=True)
    assert_error(buy(reg, "curam.in"), 500)
    assert len(reg.orders("curam.in")) == 1  # bought, though the client saw a 500
    assert reg.api("GET", f"{PORTFOLIO}/curam.in").status_code == 200
    assert "already registered" in assert_error(buy(reg, "curam.in"), 422)["message"]


def test_fault_delay_and_html_body(reg: RegistrarControl) -> None:
    reg.fault(1, None, delay_ms=400, paths="/api/billing")
    started = time.monotonic()
    assert reg.api("GET", "/api/billing/v1/catalog").status_code == 200
    assert time.monotonic() - started >= 0.35
    reg.fault(1, 502, body="html")
    r = reg.api("GET", PORTFOLIO)
    assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")
    assert reg.http.get("/_emulator/faults").json() == {"requests": []}
    reg.fault(3, 503)
    reg.clear_faults()
    assert reg.api("GET", PORTFOLIO).status_code == 200


def test_log_filters_and_reset(reg: RegistrarControl) -> None:
    reg.api("POST", AVAIL, json={"domain": "curam", "tlds": ["in"]})
    reg.api("GET", PORTFOLIO, token="bad")
    assert [e["status"] for e in reg.log()] == [200, 401]
    assert reg.calls(AVAIL, "POST") == 1
    reg.reset()
    assert reg.log() == [] and reg.state()["portfolio"] == {}


def test_control_errors_are_clear(reg: RegistrarControl) -> None:
    assert reg.http.post("/_emulator/faults", json={"next_n_requests": 0}).status_code == 422
    assert reg.http.post("/_emulator/config", json={"availability_rate_per_minute": -1}).status_code == 422
    assert reg.http.get("/_emulator/nothing").status_code == 404
