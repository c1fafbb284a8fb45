"""HTTP ↔ use cases. Controllers translate and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import Parameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from orders.domain.lifecycle import Action
from orders.domain.order import CheckoutCommand, Wanted
from orders.entrypoints.http import schemas as s
from orders.service import carts, checkout, directory, lifecycle, queries, stream
from orders.service.customers import identify
from orders.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_http import PROBLEM_JSON, requires
from webdpro_http.wire import camelize, to
from webdpro_tenancy import BUSINESS_OWNER, CUSTOMER, Caller

StoreId = Annotated[str, Parameter(max_length=64)]
OrderId = Annotated[str, Parameter(max_length=64)]
Limit = Annotated[int, Parameter(ge=1, le=100)]
Cursor = Annotated[str | None, Parameter(max_length=1024)]


def _wanted(items: list[s.Item]) -> list[Wanted]:
    return [Wanted(i.product_id, i.quantity, i.variant_id, i.slot_id) for i in items]


def _address(a: s.Address | None) -> dict[str, Any] | None:
    if a is None:
        return None
    out = {f: getattr(a, f) for f in ("name", "line1", "line2", "city", "pincode", "landmark", "phone")}
    # Coordinates are kept as decimal strings (no floats in storage or money paths).
    if a.lat is not None and a.lng is not None:
        out["lat"], out["lng"] = f"{a.lat:.6f}", f"{a.lng:.6f}"
    return {k: v.strip() for k, v in out.items() if isinstance(v, str) and v.strip()}


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


def _page(items: list[dict[str, Any]], cursor: str | None) -> s.OrderPage:
    return s.OrderPage(items=[to(s.OrderSummary, o) for o in items], next_cursor=cursor)


class CustomerController(Controller):
    tags = ["customer"]
    guards = [requires(CUSTOMER)]

    @get("/stores/{store_id:str}/cart")
    async def get_cart(self, caller: Caller, deps: Deps, store_id: StoreId) -> s.Cart:
        _, customer = identify(deps, caller)
        return to(s.Cart, await carts.get(deps, customer, store_id))

    @put("/stores/{store_id:str}/cart")
    async def put_cart(self, caller: Caller, deps: Deps, store_id: StoreId, data: s.CartUpdate) -> s.Cart:
        _, customer = identify(deps, caller)
        return to(s.Cart, await carts.replace(deps, customer, store_id, _wanted(data.items)))

    @post("/stores/{store_id:str}/checkout", status_code=201)
    async def checkout(
        self,
        caller: Caller,
        deps: Deps,
        store_id: StoreId,
        data: s.CheckoutRequest,
        idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
    ) -> Response[Any]:
        cmd = CheckoutCommand(
            items=tuple(_wanted(data.items)) if data.items is not None else None,
            payment_method=data.payment_method,
            delivery_address=_address(data.delivery_address),
        )
        answer = await checkout.place(deps, caller, store_id, cmd, idempotency_key)
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        if answer.status_code >= 400:  # a refusal remembered under this key
            return Response(
                answer.body, status_code=answer.status_code, media_type=PROBLEM_JSON, headers=headers
            )
        result = msgspec.convert(answer.body, s.CheckoutResult)
        return Response(result, status_code=answer.status_code, headers=headers)

    @get("/me/orders")
    async def my_orders(
        self, caller: Caller, deps: Deps, limit: Limit = 20, cursor: Cursor = None
    ) -> s.OrderPage:
        _, customer = identify(deps, caller)
        return _page(*await queries.customer_orders(deps, customer, limit, cursor))

    @get("/me/orders/{order_id:str}")
    async def my_order(self, caller: Caller, deps: Deps, order_id: OrderId) -> s.Order:
        _, customer = identify(deps, caller)
        return to(s.Order, await queries.customer_order(deps, customer, order_id))


class MerchantController(Controller):
    tags = ["merchant"]
    guards = [requires(BUSINESS_OWNER)]

    @get("/stores/{store_id:str}/orders")
    async def store_orders(
        self,
        caller: Caller,
        deps: Deps,
        store_id: StoreId,
        status: s.StatusName | None = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> s.OrderPage:
        return _page(*await queries.store_orders(deps, _tenant(caller), store_id, status, limit, cursor))

    @get("/stores/{store_id:str}/orders/stream")
    async def order_stream(
        self,
        caller: Caller,
        deps: Deps,
        store_id: StoreId,
        last_event_id: Annotated[str | None, Parameter(header="Last-Event-ID", max_length=64)] = None,
    ) -> ServerSentEvent:
        tenant = _tenant(caller)
        await directory.merchant_store(deps, tenant, store_id)

        async def messages() -> AsyncIterator[ServerSentEventMessage]:
            yield ServerSentEventMessage(comment="connected", retry=2000)
            async for entry in stream.entries(deps, tenant, store_id, last_event_id):
                if entry is None:
                    yield ServerSentEventMessage(comment="keep-alive")
                    continue
                data = msgspec.json.encode(camelize(entry)).decode()
                yield ServerSentEventMessage(id=entry["id"], event=entry["type"], data=data)

        return ServerSentEvent(messages(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @get("/orders/{order_id:str}")
    async def order(self, caller: Caller, deps: Deps, order_id: OrderId) -> s.Order:
        return to(s.Order, await queries.merchant_order(deps, _tenant(caller), order_id))

    @post("/orders/{order_id:str}/accept", status_code=200)
    async def accept(self, caller: Caller, deps: Deps, order_id: OrderId) -> s.Order:
        moved = await lifecycle.move(deps, _tenant(caller), order_id, Action.ACCEPT, by="merchant")
        return to(s.Order, moved)

    @post("/orders/{order_id:str}/pack", status_code=200)
    async def pack(self, caller: Caller, deps: Deps, order_id: OrderId) -> s.Order:
        moved = await lifecycle.move(deps, _tenant(caller), order_id, Action.PACK, by="merchant")
        return to(s.Order, moved)

    @post("/orders/{order_id:str}/cancel", status_code=200)
    async def cancel(
        self, caller: Caller, deps: Deps, order_id: OrderId, data: s.CancelRequest | None = None
    ) -> s.Order:
        note = (data.reason if data else None) or "cancelled by the store"
        moved = await lifecycle.move(
            deps,
            _tenant(caller),
            order_id,
            Action.CANCEL,
            by="merchant",
            note=note,
            reason="MERCHANT_CANCELLED",
        )
        return to(s.Order, moved)

    @get("/summary")
    async def summary(self, caller: Caller, deps: Deps) -> s.Summary:
        return to(s.Summary, await queries.summary(deps, _tenant(caller)))


ROUTES = [CustomerController, MerchantController]
