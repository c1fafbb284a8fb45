"""Publish → pay → live, republish, rollback, and the saga's lease and resumption — against the AWS emulator.

The payments service is replaced by an HTTP stand-in answering the internal publish-charge contract (the real
one runs in the e2e); the paid event is delivered by calling the consumer's handler with a `publish.paid`
envelope, exactly as the SQS consumer would."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import msgspec
import pytest

from sitegen.adapters.hosts import HostMap
from sitegen.adapters.payments import PaymentsClient
from sitegen.adapters.repository import SitegenRepository
from sitegen.adapters.storage import SiteStorage
from sitegen.entrypoints.consumer.handlers import handlers
from sitegen.service import publications, saga
from sitegen.service.deps import Deps
from sitegen.service.publish import mark_paid
from webdpro_aws.clients import AwsClients
from webdpro_aws.dynamo import Table
from webdpro_aws.manifest import Names, load_manifest
from webdpro_aws.messaging import Notifier
from webdpro_core import clock
from webdpro_events import Outbox, SnsPublisher, new_event, topic_arn
from webdpro_tenancy import ServiceTokens

PRICE = 99_900


class PaymentsStandIn:
    """The payments service's /internal/publish-charges, as far as sitegen sees it."""

    def __init__(self) -> None:
        self.covered = False
        self.calls: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/payments/internal/publish-charges"
        assert request.headers["authorization"].startswith("Bearer ")
        body = json.loads(request.content)
        self.calls.append(body)
        if self.covered:
            return httpx.Response(
                201,
                json={
                    "covered": True,
                    "coveredBy": "SUBSCRIPTION",
                    "amountPaise": 0,
                    "breakdown": [],
                    "platformPayment": None,
                },
            )
        return httpx.Response(
            201,
            json={
                "covered": False,
                "coveredBy": None,
                "amountPaise": PRICE,
                "breakdown": [{"item": "publish_fee", "amountPaise": PRICE}],
                "platformPayment": {
                    "platformPaymentId": f"ppay_{body['publication_id']}",
                    "razorpayOrderId": "order_test",
                    "amountPaise": PRICE,
                    "currency": "INR",
                    "keyId": "rzp_test",
                    "checkoutJsUrl": "http://checkout.local/checkout.js",
                    "status": "CREATED",
                },
            },
        )


@pytest.fixture(scope="session")
async def deps(client):
    """The tests' own wiring of sitegen on the test's event loop (the app runs on the test client's loop), over
    the same resources; the app's settings get the local publishing values too."""
    app_deps = client.app.state.deps
    settings = msgspec.structs.replace(
        app_deps.settings,
        sites_domain="localhost",
        site_url_template="http://{host}:8080/",
        saga_backoff_base_seconds=0.01,
    )
    app_deps.settings = settings
    names = Names(load_manifest(settings.resource_manifest), settings.resource_prefix)
    aws = AwsClients(settings)
    table = Table(await aws.get("dynamodb"), names.table("sitegen"))
    arn = await topic_arn(aws, names.topic("sitegen"), settings.aws_region)
    yield Deps(
        settings=settings,
        repo=SitegenRepository(table),
        storage=SiteStorage(aws, names.bucket("sites")),
        outbox=Outbox(table, SnsPublisher(await aws.get("sns"), arn)),
        text_models=None,
        image_models=None,
        hosts=HostMap(table),
        notifier=Notifier(aws, mail_from=settings.mail_from, sms_sender_id=settings.sms_sender_id),
    )
    await aws.close()


@pytest.fixture
async def payments(client):
    app_deps = client.app.state.deps
    stand_in = PaymentsStandIn()
    real = app_deps.payments
    app_deps.payments = PaymentsClient(
        "http://payments.local",
        ServiceTokens(b"k" * 32, "sitegen"),
        5.0,
        http=httpx.AsyncClient(transport=httpx.MockTransport(stand_in)),
    )
    yield stand_in
    app_deps.payments = real


@pytest.fixture
def emitted(client, deps, monkeypatch):
    """Every event committed through the outbox — the app's and the tests' own — during the test (the real
    commit still runs)."""
    seen: list = []
    for outbox in (client.app.state.deps.outbox, deps.outbox):
        real = outbox.commit

        async def commit(tx, events, real=real):
            await real(tx, events)
            seen.extend(events)

        monkeypatch.setattr(outbox, "commit", commit)
    return seen


@pytest.fixture
def pay(deps):
    """Deliver `publish.paid` through the consumer handler and wait for the saga it starts."""

    async def _pay(publication: dict, tenant_id: str, store_id: str) -> None:
        started: list[asyncio.Task] = []
        on_paid = handlers(lambda: deps, lambda coro: started.append(asyncio.create_task(coro)))[
            "publish.paid"
        ]
        pp = (publication.get("platformPayment") or {}).get("platformPaymentId")
        data = {
            "tenant_id": tenant_id,
            "store_id": store_id,
            "platform_payment_id": pp,
            "payment_id": "pay_test",
            "amount_paise": publication["amountPaise"],
            "publication_id": publication["publicationId"],
            "kind": publication["kind"],
        }
        await on_paid(new_event("publish.paid", data, tenant_id=tenant_id, source="payments"), None)
        await asyncio.gather(*started)

    return _pay


def slug() -> str:
    return f"curam-{uuid.uuid4().hex[:8]}"


async def publish(client, merchant, store_id: str, name: str, kind: str = "subdomain"):
    return await client.post(
        f"/api/sitegen/stores/{store_id}/publish",
        json={"domain": {"type": kind, "name": name}},
        headers=merchant["headers"],
    )


async def view(client, merchant, store_id: str) -> dict:
    r = await client.get(f"/api/sitegen/stores/{store_id}", headers=merchant["headers"])
    assert r.status_code == 200, r.text
    return r.json()


async def test_publish_pay_and_go_live(client, merchant, generate, deps, payments, emitted, pay):
    store = await generate(merchant["headers"])
    sid, tenant, name = store["storeId"], merchant["tenant_id"], slug()
    host = f"{name}.localhost"

    found = (await client.get(f"/api/sitegen/domains/search?q={name}", headers=merchant["headers"])).json()
    assert found["subdomain"] == {"name": host, "available": True, "pricePaise": 0}

    r = await publish(client, merchant, sid, name)
    assert r.status_code == 201, r.text
    pub = r.json()
    assert pub["status"] == "AWAITING_PAYMENT"
    assert pub["amountPaise"] == PRICE and pub["platformPayment"]["razorpayOrderId"] == "order_test"
    assert pub["domain"]["host"] == host
    assert payments.calls[-1] == {
        "tenant_id": tenant,
        "store_id": sid,
        "publication_id": pub["publicationId"],
        "kind": "PUBLISH",
        "domain": None,
        "domain_price_paise": None,
    }
    assert (await deps.hosts.get(host))["status"] == "RESERVED"
    assert (await view(client, merchant, sid))["status"] == "DRAFT"  # not live before the payment

    await pay(pub, tenant, sid)

    live = await view(client, merchant, sid)
    assert live["status"] == "LIVE"
    assert live["liveVersion"] == live["version"] == store["version"]
    assert live["liveUrl"] == f"http://{host}:8080/"
    assert live["hosts"] == [host] and live["hasUnpublishedChanges"] is False
    assert live["publication"]["status"] == "LIVE" and live["publication"]["id"] == pub["publicationId"]

    entry = await deps.hosts.get(host, consistent=True)
    assert (
        entry["status"] == "LIVE"
        and int(entry["version"]) == live["liveVersion"]
        and entry["store_id"] == sid
    )
    index = await deps.storage.read_release_file(sid, live["liveVersion"], "index.html")
    assert index is not None and f"http://{host}:8080/".encode() in index[0]
    assert b"noindex" not in index[0]

    published = [e for e in emitted if e.type == "store.published"]
    assert len(published) == 1
    assert published[0].data == {
        "tenant_id": tenant,
        "store_id": sid,
        "version": live["liveVersion"],
        "publication_id": pub["publicationId"],
        "hosts": [host],
        "live_url": f"http://{host}:8080/",
    }
    assert [e.type for e in emitted].count("store.publish_requested") == 1

    stages = [e["stage"] for e in await deps.repo.progress_after(tenant, sid, 0)]
    assert "publishing:building" in stages and "publishing:switching" in stages and stages[-1] == "live"

    releases = (await client.get(f"/api/sitegen/stores/{sid}/releases", headers=merchant["headers"])).json()
    assert releases["items"] == [
        {"version": live["liveVersion"], "builtAt": releases["items"][0]["builtAt"], "live": True}
    ]

    # A redelivered (or second) paid event changes nothing.
    await pay(pub, tenant, sid)
    assert [e.type for e in emitted].count("store.published") == 1
    assert (await view(client, merchant, sid))["publication"]["status"] == "LIVE"

    again = await publish(client, merchant, sid, name)
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_LIVE"


async def test_covered_publish_starts_the_saga_at_once(client, merchant, generate, deps, payments):
    payments.covered = True
    store = await generate(merchant["headers"])
    r = await publish(client, merchant, store["storeId"], slug())
    assert r.status_code == 201, r.text
    assert (
        r.json()["status"] == "PAID" and r.json()["platformPayment"] is None and r.json()["amountPaise"] == 0
    )
    for _ in range(200):
        current = await view(client, merchant, store["storeId"])
        if current["status"] == "LIVE":
            break
        await asyncio.sleep(0.05)
    assert current["status"] == "LIVE" and current["publication"]["status"] == "LIVE"


async def test_edit_republish_and_rollback(client, merchant, generate, deps, payments, emitted, pay):
    store = await generate(merchant["headers"])
    sid, tenant, name = store["storeId"], merchant["tenant_id"], slug()
    host, h = f"{name}.localhost", merchant["headers"]
    url = f"/api/sitegen/stores/{sid}"

    r = await client.post(f"{url}/republish", headers=h)
    assert r.status_code == 409 and r.json()["code"] == "NOT_LIVE"

    await pay((await publish(client, merchant, sid, name)).json(), tenant, sid)
    v1 = (await view(client, merchant, sid))["liveVersion"]

    r = await client.post(f"{url}/republish", headers=h)
    assert r.status_code == 409 and r.json()["code"] == "NOTHING_TO_PUBLISH"

    # Editing a live store: the draft moves on, the live release keeps serving.
    r = await client.patch(
        f"{url}/draft",
        json={"edits": [{"path": "copy.en.tagline", "value": "Fresh greens daily"}]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    edited = await view(client, merchant, sid)
    assert edited["status"] == "LIVE" and edited["version"] == v1 + 1
    assert edited["liveVersion"] == v1 and edited["hasUnpublishedChanges"] is True
    assert int((await deps.hosts.get(host, consistent=True))["version"]) == v1

    r = await client.post(f"{url}/republish", headers=h)
    assert r.status_code == 201, r.text
    repub = r.json()
    assert repub["kind"] == "REPUBLISH" and repub["hosts"] == [host] and repub["version"] == v1 + 1
    assert payments.calls[-1]["kind"] == "REPUBLISH" and payments.calls[-1]["domain"] is None
    await pay(repub, tenant, sid)

    after = await view(client, merchant, sid)
    assert after["liveVersion"] == v1 + 1 and after["hasUnpublishedChanges"] is False
    entry = await deps.hosts.get(host, consistent=True)
    assert int(entry["version"]) == v1 + 1 and int(entry["previous_version"]) == v1
    new_index = await deps.storage.read_release_file(sid, v1 + 1, "index.html")
    assert b"Fresh greens daily" in new_index[0]
    # A page of the old release finds its hashed assets in the new one.
    old_release = await publications.get_release(deps, tenant, sid, v1)
    assert old_release["assets"]
    for asset in old_release["assets"]:
        assert await deps.storage.read_release_file(sid, v1 + 1, asset) is not None

    items = (await client.get(f"{url}/releases", headers=h)).json()["items"]
    assert [(i["version"], i["live"]) for i in items] == [(v1, False), (v1 + 1, True)]

    r = await client.post(f"{url}/rollback", json={"version": 99}, headers=h)
    assert r.status_code == 404 and r.json()["code"] == "RELEASE_NOT_FOUND"
    r = await client.post(f"{url}/rollback", json={"version": v1 + 1}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "ALREADY_LIVE"
    r = await client.post(f"{url}/rollback", json={"version": v1}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["liveVersion"] == v1 and r.json()["status"] == "LIVE"
    assert int((await deps.hosts.get(host, consistent=True))["version"]) == v1
    rolled = [e for e in emitted if e.type == "store.rolled_back"]
    assert len(rolled) == 1 and rolled[0].data["version"] == v1 and rolled[0].data["from_version"] == v1 + 1


async def test_taken_reserved_and_invalid_names(client, merchant, mint, generate, payments):
    store = await generate(merchant["headers"])
    name = slug()
    assert (await publish(client, merchant, store["storeId"], name)).status_code == 201

    from webdpro_core import ids

    other_tenant = ids.new_id("tnt")
    other = {"tenant_id": other_tenant, "headers": mint.headers("BUSINESS_OWNER", tenant_id=other_tenant)}
    theirs = await generate(other["headers"])
    r = await publish(client, other, theirs["storeId"], name)
    assert r.status_code == 409 and r.json()["code"] == "SUBDOMAIN_TAKEN"
    alternatives = r.json()["alternatives"]
    assert len(alternatives) == 3 and name not in alternatives
    assert all(a.startswith(name) or a.startswith(f"my{name}") for a in alternatives)
    found = (await client.get(f"/api/sitegen/domains/search?q={name}", headers=other["headers"])).json()
    assert found["subdomain"]["available"] is False

    # Another tenant's store is simply not found.
    r = await publish(client, other, store["storeId"], slug())
    assert r.status_code == 404

    r = await publish(client, merchant, store["storeId"], "admin")
    assert r.status_code == 422 and r.json()["code"] == "SUBDOMAIN_RESERVED"
    assert r.json()["errors"][0]["field"] == "domain.name"
    r = await client.get("/api/sitegen/domains/search?q=www", headers=merchant["headers"])
    assert r.status_code == 422 and r.json()["code"] == "SUBDOMAIN_RESERVED"
    r = await publish(client, merchant, store["storeId"], "not a domain", kind="custom")
    assert r.status_code == 422 and r.json()["code"] == "INVALID_DOMAIN"


async def test_asking_again_while_unpaid(client, merchant, generate, payments):
    store = await generate(merchant["headers"])
    name = slug()
    first = (await publish(client, merchant, store["storeId"], name)).json()
    same = (await publish(client, merchant, store["storeId"], name)).json()
    assert same["publicationId"] == first["publicationId"]
    assert same["platformPayment"] == first["platformPayment"]
    other = (await publish(client, merchant, store["storeId"], slug())).json()
    assert other["publicationId"] != first["publicationId"]
    current = await view(client, merchant, store["storeId"])
    assert current["publication"]["id"] == other["publicationId"]


async def _paid_publication(client, merchant, generate, deps) -> dict:
    store = await generate(merchant["headers"])
    pub = (await publish(client, merchant, store["storeId"], slug())).json()
    data = {
        "tenant_id": merchant["tenant_id"],
        "store_id": store["storeId"],
        "publication_id": pub["publicationId"],
        "platform_payment_id": pub["platformPayment"]["platformPaymentId"],
        "amount_paise": PRICE,
    }
    return await mark_paid(deps, data)


async def test_a_leased_publication_is_not_run_twice(client, merchant, generate, deps, payments):
    pub = await _paid_publication(client, merchant, generate, deps)
    key = publications.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"])
    await deps.repo.table.update(
        key,
        "SET lease_owner = :o, lease_until = :u",
        values={":o": "run_elsewhere", ":u": clock.epoch() + 300},
    )
    assert await saga.run(deps, pub["tenant_id"], pub["store_id"], pub["publication_id"]) is None
    after = await deps.repo.table.get(key)
    assert after["status"] == "PAID" and after["lease_owner"] == "run_elsewhere"
    assert (
        await publications.get_release(deps, pub["tenant_id"], pub["store_id"], int(pub["version"])) is None
    )


async def test_a_crashed_saga_resumes_to_live(client, merchant, generate, deps, payments):
    pub = await _paid_publication(client, merchant, generate, deps)
    key = publications.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"])
    # A runner died in BUILDING: its lease lapsed, nothing recorded as completed.
    await deps.repo.table.update(
        key,
        "SET #st = :b, GSI1PK = :g, step = :s, attempts = :a, lease_owner = :o, lease_until = :u",
        names={"#st": "status"},
        values={
            ":b": "BUILDING",
            ":g": "PUB#BUILDING",
            ":s": "build",
            ":a": 1,
            ":o": "run_dead",
            ":u": clock.epoch() - 1,
        },
    )
    result = await saga.run(deps, pub["tenant_id"], pub["store_id"], pub["publication_id"])
    if result is None:  # the service's own sweeper resumed it first: wait for that runner
        for _ in range(200):
            if (await deps.repo.table.get(key))["status"] == "LIVE":
                break
            await asyncio.sleep(0.05)
    else:
        assert result == "LIVE"
    done = await deps.repo.table.get(key)
    assert done["status"] == "LIVE" and done["completed"] == ["build", "switch"]
    assert "lease_owner" not in done
    current = await view(client, merchant, pub["store_id"])
    assert current["status"] == "LIVE" and current["liveVersion"] == int(pub["version"])


async def _stored_publication(deps, tenant: str, store: dict, **fields) -> tuple[dict, dict]:
    """A PAID publication written straight into the table (as a crashed runner or a failing step left it);
    the test's own saga.run — or the service's sweeper, whichever comes first — drives it."""
    now = clock.iso()
    pub = {
        "publication_id": f"pub_{uuid.uuid4().hex[:12]}",
        "tenant_id": tenant,
        "store_id": store["storeId"],
        "kind": "PUBLISH",
        "status": "PAID",
        "version": store["version"],
        "domain": {"type": "subdomain", "host": f"{slug()}.localhost", "slug": "x"},
        "completed": [],
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    pub["hosts"] = [pub["domain"]["host"]]
    await deps.repo.table.put({**publications.new_item(pub)})
    return pub, publications.pub_key(tenant, store["storeId"], pub["publication_id"])


async def _run_until(deps, pub: dict, key: dict, status: str) -> dict:
    if await saga.run(deps, pub["tenant_id"], pub["store_id"], pub["publication_id"]) is None:
        for _ in range(400):  # the service's sweeper took it first: wait for that runner
            if (await deps.repo.table.get(key))["status"] == status:
                break
            await asyncio.sleep(0.05)
    return await deps.repo.table.get(key)


async def test_a_domain_never_bought_fails_and_its_refund_is_recorded(
    client, merchant, generate, deps, emitted
):
    """No registrar answers (none configured here): the purchase is retried with back-off, then the publication
    is FAILED with domain.purchase_failed; the refund event is recorded on it once."""
    store = await generate(merchant["headers"])
    tenant, sid = merchant["tenant_id"], store["storeId"]
    pub, key = await _stored_publication(
        deps,
        tenant,
        store,
        domain={"type": "custom", "host": f"curam{uuid.uuid4().hex[:6]}.in", "price_paise": 79_900},
        platform_payment_id="ppay_domain",
    )
    failed = await _run_until(deps, pub, key, "FAILED")
    assert failed["status"] == "FAILED" and failed["step"] == "buy"
    assert failed["attempts"] == deps.settings.saga_max_attempts
    assert "registrar" in failed["failure_reason"]
    assert failed["completed"] == ["build"]  # built, never switched
    purchase_failed = [e for e in emitted if e.type == "domain.purchase_failed"]
    assert len(purchase_failed) == 1
    assert purchase_failed[0].data["platform_payment_id"] == "ppay_domain"
    assert purchase_failed[0].data["domain"] == pub["domain"]["host"]
    assert (await view(client, merchant, sid))["status"] == "DRAFT"

    on_refunded = handlers(lambda: deps, lambda coro: None)["platform_payment.refunded"]
    refund = {
        "tenant_id": tenant,
        "store_id": sid,
        "publication_id": pub["publication_id"],
        "platform_payment_id": "ppay_domain",
        "refund_id": "rfnd_1",
        "amount_paise": 178_800,
        "reason": "DOMAIN_PURCHASE_FAILED",
    }
    for _ in range(2):  # a second delivery changes nothing
        await on_refunded(
            new_event("platform_payment.refunded", refund, tenant_id=tenant, source="payments"), None
        )
    shown = (await view(client, merchant, sid))["publication"]
    assert shown["status"] == "FAILED" and shown["refund"]["refundId"] == "rfnd_1"
    assert shown["refund"]["amountPaise"] == 178_800


async def test_a_paid_publish_that_cannot_be_built_fails_and_asks_for_its_refund(
    client, merchant, generate, deps, emitted
):
    store = await generate(merchant["headers"])
    # A draft version that was never saved: nothing to build.
    pub, key = await _stored_publication(
        deps, merchant["tenant_id"], store, version=99, platform_payment_id="ppay_fee"
    )
    assert (await _run_until(deps, pub, key, "FAILED"))["status"] == "FAILED"
    due = [e for e in emitted if e.type == "publication.refund_due"]
    assert [e.data["platform_payment_id"] for e in due] == ["ppay_fee"]
    assert not [e for e in emitted if e.type == "domain.purchase_failed"]


async def test_a_store_suspended_while_publishing_never_goes_live(
    client, merchant, generate, deps, payments, emitted
):
    pub = await _paid_publication(client, merchant, generate, deps)
    key = publications.pub_key(pub["tenant_id"], pub["store_id"], pub["publication_id"])
    # Hold the lease so only this test's runner drives the publication, then suspend the store meanwhile.
    await deps.repo.table.update(
        key, "SET lease_owner = :o, lease_until = :u", values={":o": "held", ":u": clock.epoch() + 300}
    )
    from sitegen.service import suspension

    uow = deps.outbox.begin()
    event = new_event(
        "store.suspended",
        {"tenant_id": pub["tenant_id"], "store_id": pub["store_id"], "reason": "fraud reports"},
        tenant_id=pub["tenant_id"],
        source="admin",
    )
    await suspension.suspend(deps, event, uow)
    await uow.commit()
    await deps.repo.table.update(key, "REMOVE lease_owner, lease_until")
    assert await saga.run(deps, pub["tenant_id"], pub["store_id"], pub["publication_id"]) == "FAILED"
    current = await view(client, merchant, pub["store_id"])
    assert current["status"] == "SUSPENDED" and current["liveVersion"] is None
    entry = await deps.hosts.get(pub["hosts"][0])
    assert entry is None or entry["status"] != "LIVE"
    assert not [
        e for e in emitted if e.type == "publication.refund_due"
    ]  # taken offline: no automatic refund


async def test_a_publication_whose_runners_keep_crashing_ends_failed(client, merchant, generate, deps):
    store = await generate(merchant["headers"])
    # Ten runners took it up and crashed outside any step (each gave its lease back).
    pub, key = await _stored_publication(
        deps, merchant["tenant_id"], store, runs=10, platform_payment_id="ppay_crashing"
    )
    failed = await _run_until(deps, pub, key, "FAILED")
    assert failed["status"] == "FAILED" and "kept failing" in failed["failure_reason"]
    assert (await view(client, merchant, pub["store_id"]))["status"] == "DRAFT"
