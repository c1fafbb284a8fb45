"""The sitegen registrar client against the Hostinger emulator over real HTTP: availability cache and rate limit
(429 → RegistrarRateLimited, no retry loop), catalog prices, WHOIS, and purchases that happen exactly once whatever
fails (5xx, a lost answer, a timeout, a registrar that stays down)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from sitegen.adapters.registrar import (
    Contact,
    Contacts,
    DomainUnavailable,
    RegistrarAuthError,
    RegistrarClient,
    RegistrarNotFound,
    RegistrarRateLimited,
    RegistrarRejected,
    RegistrarUnavailable,
    epp_phone,
)
from webdpro_local.registrar import RegistrarControl, running_registrar

AVAIL = "/api/domains/v1/availability"
PORTFOLIO = "/api/domains/v1/portfolio"
ASHA = Contact(
    first_name="Asha",
    last_name="Patil",
    email="asha@curam.example",
    phone="+91 98765 43210",
    address="12 Linking Road, Bandra West",
    city="Mumbai",
    state="Maharashtra",
    zip="400050",
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def reg() -> Iterator[RegistrarControl]:
    with running_registrar() as control:
        yield control


@pytest.fixture(autouse=True)
def clean(reg: RegistrarControl) -> None:
    reg.reset()
    reg.configure(availability_rate_per_minute=1000, rate_per_minute=0)


@pytest.fixture
async def client(reg: RegistrarControl) -> AsyncIterator[RegistrarClient]:
    async with RegistrarClient(
        reg.url, reg.token, backoff=0.01, timeout=2.0, availability_per_minute=0, purchase_recheck_s=0.05
    ) as c:
        yield c


async def bought(client: RegistrarClient, domain: str = "curam.in") -> None:
    tld = domain.split(".", 1)[1]
    price = (await client.prices())[tld]
    whois_id = await client.ensure_whois(ASHA, tld)
    await client.purchase(domain, price.item_id, Contacts.single(whois_id))


# ---- availability --------------------------------------------------------------------------------------------


async def test_availability_and_its_cache(reg: RegistrarControl) -> None:
    clock = FakeClock()
    async with RegistrarClient(reg.url, reg.token, clock=clock, availability_ttl_s=60) as client:
        result = await client.availability("Curam", ["in", "com", "co.in", "store"])
        assert [(a.domain, a.available, a.alternative) for a in result] == [
            ("curam.in", True, False),
            ("curam.com", True, False),
            ("curam.co.in", True, False),
            ("curam.store", True, False),
        ]
        assert [a.domain for a in await client.availability("flipkart", ["in"])] == ["flipkart.in"]
        assert not (await client.availability("flipkart", ["in"]))[0].available
        assert reg.calls(AVAIL) == 2
        # A subset of what was asked is answered from the cache, in the order asked.
        assert [a.tld for a in await client.availability("curam", [".store", "in"])] == ["store", "in"]
        assert reg.calls(AVAIL) == 2
        clock.now += 61
        await client.availability("curam", ["in"])
        assert reg.calls(AVAIL) == 3


async def test_alternatives(client: RegistrarClient) -> None:
    result = await client.availability("zomato", ["in"], with_alternatives=True)
    assert result[0].domain == "zomato.in" and not result[0].available
    assert result[1:] and all(a.alternative and a.available for a in result[1:])
    with pytest.raises(ValueError):
        await client.availability("zomato", ["in", "com"], with_alternatives=True)


async def test_concurrent_identical_searches_make_one_request(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    results = await asyncio.gather(*(client.availability("curam", ["in", "com"]) for _ in range(8)))
    assert all(r == results[0] for r in results)
    assert reg.calls(AVAIL) == 1


async def test_registrar_429_answers_rate_limited_without_retrying(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    reg.configure(availability_rate_per_minute=2)
    await client.availability("one", ["in"])
    await client.availability("two", ["in"])
    with pytest.raises(RegistrarRateLimited) as caught:
        await client.availability("three", ["in"])
    assert 0 < caught.value.retry_after <= 60
    assert caught.value.status == 429
    assert reg.calls(AVAIL) == 3  # the 429 was not retried
    # Until the window has passed, further searches are answered at once, without a request.
    for name in ("four", "five", "six"):
        with pytest.raises(RegistrarRateLimited):
            await client.availability(name, ["in"])
    assert reg.calls(AVAIL) == 3
    # Cached answers are still served.
    assert (await client.availability("one", ["in"]))[0].available
    # Other endpoints are not blocked by the availability limit.
    assert "in" in await client.prices()


async def test_client_keeps_its_own_per_minute_budget(reg: RegistrarControl) -> None:
    clock = FakeClock()
    async with RegistrarClient(reg.url, reg.token, availability_per_minute=2, clock=clock) as client:
        await client.availability("one", ["in"])
        await client.availability("two", ["in"])
        with pytest.raises(RegistrarRateLimited) as caught:
            await client.availability("three", ["in"])
        assert caught.value.retry_after == pytest.approx(60)
        assert reg.calls(AVAIL) == 2
        clock.now += 60.5
        await client.availability("three", ["in"])
        assert reg.calls(AVAIL) == 3


async def test_bad_names_are_refused_before_any_request(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    for name in ("cu ram", "curam.in", "-curam", ""):
        with pytest.raises(RegistrarRejected):
            await client.availability(name, ["in"])
    assert reg.calls(AVAIL) == 0


# ---- prices and WHOIS ----------------------------------------------------------------------------------------


async def test_prices_are_paise_per_tld_and_cached(reg: RegistrarControl, client: RegistrarClient) -> None:
    prices = await client.prices()
    assert {"in", "com", "co.in", "store"} <= set(prices)
    p = prices["co.in"]
    assert p.item_id == "hostingercom-domain-co-in-inr-1y"
    assert p.currency == "INR" and p.period == 1 and p.period_unit == "year"
    assert isinstance(p.price_paise, int) and 0 < p.first_period_price_paise <= p.price_paise
    assert (await client.prices(years=2))["in"].period == 2
    assert (await client.price_for("curam.store")) == prices["store"]
    assert reg.calls("/api/billing/v1/catalog") == 1


async def test_catalog_read_is_retried_after_a_cdn_error_page(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    reg.fault(2, 502, paths="/api/billing", body="html")
    assert "com" in await client.prices()
    assert reg.calls("/api/billing/v1/catalog") == 3


async def test_ensure_whois_creates_once_and_reuses(reg: RegistrarControl, client: RegistrarClient) -> None:
    first = await client.ensure_whois(ASHA, "in")
    assert await client.ensure_whois(ASHA, ".IN") == first
    async with RegistrarClient(reg.url, reg.token) as other:  # a fresh process finds the profile in the list
        assert await other.ensure_whois(ASHA, "in") == first
    assert reg.calls("/api/domains/v1/whois", "POST") == 1
    profile = reg.api("GET", f"/api/domains/v1/whois/{first}").json()
    assert profile["whois_details"]["phone"] == "+91.9876543210"
    assert await client.ensure_whois(ASHA, "com") != first  # a profile per TLD


async def test_ensure_whois_create_with_lost_answer_makes_one_profile(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    reg.fault(1, 503, paths="/api/domains/v1/whois", methods="POST", process=True)
    whois_id = await client.ensure_whois(ASHA, "in")
    assert [p["id"] for p in reg.state()["whois"]] == [whois_id]


async def test_invalid_contact_is_rejected_with_field_errors(client: RegistrarClient) -> None:
    bad = Contact("Asha", "", "not-an-email", "98765", "addr", "Mumbai", "MH", "400050")
    with pytest.raises(RegistrarRejected) as caught:
        await client.ensure_whois(bad, "in")
    assert caught.value.status == 422
    assert {"whois_details.last_name", "whois_details.email"} <= set(caught.value.errors)


def test_epp_phone() -> None:
    assert epp_phone("+91 98765 43210") == "+91.9876543210"
    assert epp_phone("09876543210") == "+91.9876543210"
    assert epp_phone("919876543210") == "+91.9876543210"
    assert epp_phone("+91.9876543210") == "+91.9876543210"


# ---- purchase ------------------------------------------------------------------------------------------------


async def test_purchase_then_nameservers(reg: RegistrarControl, client: RegistrarClient) -> None:
    price = (await client.prices())["in"]
    whois_id = await client.ensure_whois(ASHA, "in")
    order = await client.purchase("Curam.in", price.item_id, Contacts.single(whois_id))
    assert order.domain == "curam.in" and order.status == "completed" and order.registered
    assert not order.recovered and order.id is not None and order.subscription_id
    assert order.subtotal_paise == price.first_period_price_paise and order.currency == "INR"
    assert order.total_paise == round(price.first_period_price_paise * 1.18)

    domain = await client.portfolio("curam.in")
    assert domain is not None and domain.active and domain.contacts["owner_id"] == whois_id
    route53 = [
        "ns-1536.awsdns-00.co.uk.",
        "ns-0.awsdns-00.com.",
        "ns-1024.awsdns-00.org.",
        "ns-512.awsdns-00.net.",
    ]
    await client.set_nameservers("curam.in", route53)
    domain = await client.portfolio("curam.in")
    assert domain is not None and set(domain.name_servers) == {n.rstrip(".") for n in route53}
    assert await client.portfolio("nobody.in") is None
    with pytest.raises(RegistrarNotFound):
        await client.set_nameservers("nobody.in", route53[:2])
    with pytest.raises(ValueError):
        await client.set_nameservers("curam.in", route53[:1])
    assert [d.domain for d in await client.portfolio_list()] == ["curam.in"]


async def test_purchase_again_finds_the_domain_and_buys_nothing(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    await bought(client)
    price = (await client.prices())["in"]
    again = await client.purchase("curam.in", price.item_id)
    assert again.recovered and again.registered and again.id is None
    assert reg.calls(PORTFOLIO, "POST") == 1
    assert len(reg.orders("curam.in")) == 1


async def test_5xx_during_purchase_makes_exactly_one_purchase(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    price = (await client.prices())["in"]
    whois_id = await client.ensure_whois(ASHA, "in")
    reg.fault(2, 503, paths=PORTFOLIO, methods="POST")
    order = await client.purchase("curam.in", price.item_id, Contacts.single(whois_id))
    assert order.id is not None and not order.recovered
    assert reg.calls(PORTFOLIO, "POST") == 3
    assert len(reg.orders("curam.in")) == 1


async def test_lost_answer_is_found_in_the_portfolio(reg: RegistrarControl, client: RegistrarClient) -> None:
    price = (await client.prices())["in"]
    whois_id = await client.ensure_whois(ASHA, "in")
    reg.fault(1, 500, paths=PORTFOLIO, methods="POST", process=True)
    order = await client.purchase("curam.in", price.item_id, Contacts.single(whois_id))
    assert order.recovered and order.registered and order.domain == "curam.in"
    assert reg.calls(PORTFOLIO, "POST") == 1
    assert len(reg.orders("curam.in")) == 1


async def test_timeout_after_the_work_is_found_in_the_portfolio(reg: RegistrarControl) -> None:
    async with RegistrarClient(
        reg.url, reg.token, backoff=0.01, timeout=0.5, purchase_recheck_s=0.05
    ) as client:
        price = (await client.prices())["in"]
        whois_id = await client.ensure_whois(ASHA, "in")
        reg.fault(1, None, delay_ms=1500, paths=PORTFOLIO, methods="POST")
        order = await client.purchase("curam.in", price.item_id, Contacts.single(whois_id))
    assert order.recovered
    assert reg.calls(PORTFOLIO, "POST") == 1
    assert len(reg.orders("curam.in")) == 1


async def test_registrar_down_never_buys_blind(reg: RegistrarControl, client: RegistrarClient) -> None:
    price = (await client.prices())["in"]
    whois_id = await client.ensure_whois(ASHA, "in")
    reg.fault(1, 503, paths=PORTFOLIO, methods="POST", process=True)  # bought, answer lost …
    reg.fault(10, 503, paths=PORTFOLIO, methods="GET", skip=1)  # … and then the portfolio cannot be read
    with pytest.raises(RegistrarUnavailable) as caught:
        await client.purchase("curam.in", price.item_id, Contacts.single(whois_id))
    assert "never bought twice" in str(caught.value)
    assert reg.calls(PORTFOLIO, "POST") == 1
    reg.clear_faults()
    # The step run again later finds the domain.
    assert (await client.purchase("curam.in", price.item_id, Contacts.single(whois_id))).recovered
    assert len(reg.orders("curam.in")) == 1


async def test_registrar_failing_throughout_gives_up_with_nothing_bought(
    reg: RegistrarControl, client: RegistrarClient
) -> None:
    price = (await client.prices())["in"]
    whois_id = await client.ensure_whois(ASHA, "in")
    reg.fault(50, 503, paths=PORTFOLIO, methods="POST")
    with pytest.raises(RegistrarUnavailable):
        await client.purchase("curam.in", price.item_id, Contacts.single(whois_id))
    assert reg.calls(PORTFOLIO, "POST") == client.retries + 1
    assert reg.orders() == []


async def test_taken_domain_is_unavailable(reg: RegistrarControl, client: RegistrarClient) -> None:
    price = (await client.prices())["in"]
    whois_id = await client.ensure_whois(ASHA, "in")
    assert (await client.availability("veggies", ["in"]))[0].available
    reg.take("veggies.in")  # someone else registers it between the search and the purchase
    with pytest.raises(DomainUnavailable) as caught:
        await client.purchase("veggies.in", price.item_id, Contacts.single(whois_id))
    assert caught.value.domain == "veggies.in" and caught.value.status == 422
    assert reg.orders() == []
    assert not (await client.availability("veggies", ["in"]))[
        0
    ].available  # the cached "available" was dropped


async def test_validation_refusal_is_not_retried(reg: RegistrarControl, client: RegistrarClient) -> None:
    with pytest.raises(RegistrarRejected) as caught:
        await client.purchase("curam.in", "hostingercom-domain-com-inr-1y")
    assert "item_id" in caught.value.errors
    assert reg.calls(PORTFOLIO, "POST") == 1


async def test_wrong_token_is_an_auth_error_not_retried(reg: RegistrarControl) -> None:
    async with RegistrarClient(reg.url, "wrong-token", backoff=0.01) as client:
        with pytest.raises(RegistrarAuthError) as caught:
            await client.prices()
    assert caught.value.status == 401 and isinstance(caught.value, RegistrarUnavailable)
    assert reg.calls("/api/billing/v1/catalog") == 1


async def test_unreachable_registrar_is_unavailable() -> None:
    async with RegistrarClient("http://127.0.0.1:9", "t", backoff=0.01, retries=1, timeout=1) as client:
        with pytest.raises(RegistrarUnavailable):
            await client.prices()


async def test_from_settings_reads_the_registrar_fields(reg: RegistrarControl) -> None:
    class Settings:
        registrar_base_url = reg.url
        registrar_token = reg.token
        registrar_availability_per_minute = 3

    client = RegistrarClient.from_settings(Settings())
    try:
        assert client.availability_per_minute == 3 and client.availability_ttl_s == 60
        assert "in" in await client.prices()
    finally:
        await client.close()
