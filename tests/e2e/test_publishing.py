"""Going live, end to end across the service processes: a custom domain bought at the registrar and served by its
host; an edit, a paid republish switched in blue-green while readers keep hitting the site (no error, no mixed
release), and a rollback."""

from __future__ import annotations

import json
import re
import threading

import httpx
import pytest

from tests.e2e.conftest import Person, pay_on_emulator, wait_for

pytestmark = pytest.mark.e2e

OLD = "Hand-block-printed in Sanganer"
NEW = "Fresh prints every Friday"
ASSET = re.compile(r'(?:href|src)="(/assets/[a-z]+\.[0-9a-f]{8,}\.(?:css|js))"')


def _generate(gw: httpx.Client, merchant: Person, prompt: str) -> str:
    created = merchant.post("/api/sitegen/stores", json={"prompt": prompt})
    assert created.status_code == 202, created.text
    store_id = created.json()["storeId"]
    with gw.stream("GET", f"/api/sitegen/stores/{store_id}/events", headers=merchant.headers) as stream:
        stages = [json.loads(line[5:])["stage"] for line in stream.iter_lines() if line.startswith("data:")]
    assert stages[-1] == "ready", stages
    return store_id


def _live(merchant: Person, store_id: str, version: int) -> dict:
    return wait_for(
        lambda: (
            (s := merchant.get(f"/api/sitegen/stores/{store_id}").json())["status"] == "LIVE"
            and s["liveVersion"] == version
            and s
        ),
        timeout=60,
    )


def _pay(platform, merchant: Person, asked: httpx.Response) -> dict:
    assert asked.status_code == 201, asked.text
    fee = asked.json()["platformPayment"]
    pay_on_emulator(platform, merchant, fee["platformPaymentId"], fee["razorpayOrderId"])
    return asked.json()


def test_a_custom_domain_is_bought_configured_and_served_by_its_host(gw, platform):
    meera = Person(gw, "+919820066601", "BUSINESS_OWNER", "10.40.0.1").login()
    store_id = _generate(gw, meera, "Bindu Prints - block-printed cotton sarees, Jaipur, ships across India")
    quote = {
        d["name"]: d
        for d in meera.get("/api/sitegen/domains/search", params={"q": "binduprints"}).json()["domains"]
    }
    assert quote["binduprints.in"]["available"], quote

    asked = meera.post(
        f"/api/sitegen/stores/{store_id}/publish",
        json={
            "domain": {"type": "custom", "name": "binduprints.in"},
            "contact": {
                "name": "Meera Joshi",
                "email": "meera@binduprints.in",
                "phone": "+919820066601",
                "address": "14 Johari Bazaar",
                "city": "Jaipur",
                "state": "Rajasthan",
                "postalCode": "302003",
                "country": "IN",
            },
        },
    )
    answer = _pay(platform, meera, asked)
    # The first store's fee plus the domain's registrar price and the setup fee.
    assert {b["item"] for b in answer["breakdown"]} == {"publish_fee", "domain", "domain_setup"}
    assert answer["amountPaise"] == sum(b["amountPaise"] for b in answer["breakdown"])
    assert (
        next(b for b in answer["breakdown"] if b["item"] == "domain")["amountPaise"]
        == quote["binduprints.in"]["pricePaise"]
    )

    live = _live(meera, store_id, 1)
    assert "binduprints.in" in live["hosts"]
    site = gw.get("/", headers={"host": "binduprints.in"})
    assert site.status_code == 200 and "Bindu Prints" in site.text
    assert 'href="https://binduprints.in/"' in site.text or "binduprints.in" in site.text

    # Bought once at the registrar, in the merchant's name, its nameservers on the hosted zone.
    registrar = httpx.Client(
        base_url=platform.env["WEBDPRO_REGISTRAR_BASE_URL"],
        headers={"authorization": f"Bearer {platform.env['WEBDPRO_REGISTRAR_TOKEN']}"},
    )
    owned = [d for d in registrar.get("/api/domains/v1/portfolio").json() if d["domain"] == "binduprints.in"]
    assert len(owned) == 1, owned
    # Someone else cannot take the name now.
    other = Person(gw, "+919820066602", "BUSINESS_OWNER", "10.40.0.2").login()
    taken = other.get("/api/sitegen/domains/search", params={"q": "binduprints.in"}).json()["domains"]
    assert not next(d for d in taken if d["name"] == "binduprints.in")["available"]


def test_republish_switches_blue_green_under_readers_and_rolls_back(gw, platform):
    asha = Person(gw, "+919820066603", "BUSINESS_OWNER", "10.40.0.3").login()
    store_id = _generate(gw, asha, "Sanganer Blocks - hand-printed bedsheets and cushion covers, Jaipur, UPI")
    edited = asha.patch(
        f"/api/sitegen/stores/{store_id}/draft", json={"edits": [{"path": "copy.en.tagline", "value": OLD}]}
    )
    assert edited.status_code == 200, edited.text
    _pay(
        platform,
        asha,
        asha.post(
            f"/api/sitegen/stores/{store_id}/publish",
            json={"domain": {"type": "subdomain", "name": "sanganer"}},
        ),
    )
    first = _live(asha, store_id, 2)
    host = first["liveUrl"].split("//", 1)[1].rstrip("/")
    assert OLD in gw.get("/", headers={"host": host}).text
    assert asha.post(f"/api/sitegen/stores/{store_id}/republish").json()["code"] == "NOTHING_TO_PUBLISH"

    # An edit makes a new draft; the live site keeps the old release until the paid republish switches it in.
    asha.patch(
        f"/api/sitegen/stores/{store_id}/draft", json={"edits": [{"path": "copy.en.tagline", "value": NEW}]}
    )
    assert OLD in gw.get("/", headers={"host": host}).text

    seen: list[str] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        with httpx.Client(base_url=str(gw.base_url), headers={"host": host}, timeout=10) as c:
            while not stop.is_set():
                page = c.get("/")
                if page.status_code != 200:
                    errors.append(f"page {page.status_code}")
                    continue
                releases = [label for label, text in (("old", OLD), ("new", NEW)) if text in page.text]
                if len(releases) != 1:
                    errors.append(f"mixed or unknown release: {releases}")
                    continue
                for asset in ASSET.findall(page.text):
                    got = c.get(asset)
                    if got.status_code != 200:
                        errors.append(f"{asset} {got.status_code} on the {releases[0]} page")
                seen.append(releases[0])

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        _pay(platform, asha, asha.post(f"/api/sitegen/stores/{store_id}/republish"))
        _live(asha, store_id, 3)
        wait_for(lambda: seen[-3:] == ["new"] * 3, timeout=15)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not errors, errors[:5]
    assert seen[0] == "old" and seen[-1] == "new"

    # Rollback to the first release: no payment; unknown versions are refused.
    assert asha.post(f"/api/sitegen/stores/{store_id}/rollback", json={"version": 9}).status_code == 404
    back = asha.post(f"/api/sitegen/stores/{store_id}/rollback", json={"version": 2})
    assert back.status_code == 200, back.text
    wait_for(lambda: OLD in gw.get("/", headers={"host": host}).text, timeout=10)
    releases = asha.get(f"/api/sitegen/stores/{store_id}/releases").json()["items"]
    assert {r["version"]: r["live"] for r in releases} == {2: True, 3: False}
