"""HTTP ↔ use cases. Controllers translate and nothing else.

- `/stores/…`, `/alerts/…`, `/purchase-orders/…`: the merchant (BUSINESS_OWNER, own tenant only; another
  tenant's store or object answers 404).
- `/public/…`: the storefront, no token, ETag + Cache-Control.
- `/internal/…`: the orders service (service token; the gateway does not route it).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.params import HeaderParameter, Parameter, QueryParameter

from catalog.domain.reservation import Line
from catalog.entrypoints.http import schemas as s
from catalog.service import catalog, public, reservations, restock, stores
from catalog.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_http import requires, requires_service
from webdpro_tenancy import BUSINESS_OWNER, Caller

Limit = Annotated[int, Parameter(ge=1, le=100)]
Cursor = Annotated[str | None, Parameter(max_length=512)]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False, max_length=512)]
CACHE_CONTROL = "public, max-age=30"


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


def _page(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"items": s.camel(items), "nextCursor": next_cursor}


# ---- merchant ----------------------------------------------------------------------------------------------
class StoreController(Controller):
    path = "/stores/{store_id:str}"
    tags = ["stores"]
    guards = [requires(BUSINESS_OWNER)]

    @get("/")
    async def get_store(self, caller: Caller, store_id: str, deps: Deps) -> dict[str, Any]:
        return s.camel(stores.public_store(await stores.store_of(deps, _tenant(caller), store_id)))

    @patch("/settings")
    async def settings(
        self, caller: Caller, store_id: str, data: s.StoreSettings, deps: Deps
    ) -> dict[str, Any]:
        f = s.fields(data)
        result = await stores.update_settings(
            deps,
            _tenant(caller),
            store_id,
            lead_time_days=f.get("lead_time_days"),
            alert_phone=f.get("alert_phone"),
            alert_email=f.get("alert_email"),
            fields_set=set(f),
        )
        return s.camel(result)

    @put("/supplier")
    async def supplier(self, caller: Caller, store_id: str, data: s.Supplier, deps: Deps) -> dict[str, Any]:
        return s.camel(await stores.set_supplier(deps, _tenant(caller), store_id, data.phone, data.email))

    # categories
    @get("/categories")
    async def categories(self, caller: Caller, store_id: str, deps: Deps) -> dict[str, Any]:
        return _page(await catalog.list_categories(deps, _tenant(caller), store_id), None)

    @post("/categories", status_code=201)
    async def create_category(
        self, caller: Caller, store_id: str, data: s.CategoryCreate, deps: Deps
    ) -> dict[str, Any]:
        f = s.fields(data)
        return s.camel(
            await catalog.create_category(deps, _tenant(caller), store_id, f["name"], f.get("slug"))
        )

    @patch("/categories/{category_id:str}")
    async def update_category(
        self, caller: Caller, store_id: str, category_id: str, data: s.CategoryPatch, deps: Deps
    ) -> dict[str, Any]:
        return s.camel(
            await catalog.update_category(deps, _tenant(caller), store_id, category_id, s.fields(data))
        )

    @delete("/categories/{category_id:str}", status_code=204)
    async def delete_category(self, caller: Caller, store_id: str, category_id: str, deps: Deps) -> None:
        await catalog.delete_category(deps, _tenant(caller), store_id, category_id)

    # products
    @get("/products")
    async def products(
        self,
        caller: Caller,
        store_id: str,
        deps: Deps,
        limit: Limit = 50,
        cursor: Cursor = None,
        category: Annotated[str | None, Parameter(max_length=64)] = None,
        status: Annotated[str | None, Parameter(pattern="^(active|inactive)$")] = None,
    ) -> dict[str, Any]:
        items, next_cursor = await catalog.list_products(
            deps, _tenant(caller), store_id, limit=limit, cursor=cursor, category=category, status=status
        )
        return _page(items, next_cursor)

    @post("/products", status_code=201)
    async def create_product(
        self, caller: Caller, store_id: str, data: s.ProductCreate, deps: Deps
    ) -> dict[str, Any]:
        return s.camel(await catalog.create_product(deps, _tenant(caller), store_id, s.fields(data)))

    @get("/products/{product_id:str}")
    async def product(self, caller: Caller, store_id: str, product_id: str, deps: Deps) -> dict[str, Any]:
        return s.camel(await catalog.get_product(deps, _tenant(caller), store_id, product_id))

    @patch("/products/{product_id:str}")
    async def update_product(
        self, caller: Caller, store_id: str, product_id: str, data: s.ProductPatch, deps: Deps
    ) -> dict[str, Any]:
        return s.camel(
            await catalog.update_product(deps, _tenant(caller), store_id, product_id, s.fields(data))
        )

    @delete("/products/{product_id:str}", status_code=204)
    async def delete_product(self, caller: Caller, store_id: str, product_id: str, deps: Deps) -> None:
        await catalog.delete_product(deps, _tenant(caller), store_id, product_id)

    @post("/products/{product_id:str}/stock", status_code=200)
    async def adjust_stock(
        self, caller: Caller, store_id: str, product_id: str, data: s.StockAdjust, deps: Deps
    ) -> dict[str, Any]:
        movement = await catalog.adjust_stock(
            deps,
            _tenant(caller),
            store_id,
            product_id,
            delta=data.delta,
            reason=data.reason.strip(),
            variant_id=data.variant_id,
            by=caller.sub,
        )
        return s.camel(movement)

    @get("/products/{product_id:str}/movements")
    async def movements(
        self,
        caller: Caller,
        store_id: str,
        product_id: str,
        deps: Deps,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> dict[str, Any]:
        items, next_cursor = await catalog.movements(
            deps, _tenant(caller), store_id, product_id, limit, cursor
        )
        return _page(items, next_cursor)

    @put("/products/{product_id:str}/availability")
    async def availability(
        self, caller: Caller, store_id: str, product_id: str, data: s.Availability, deps: Deps
    ) -> dict[str, Any]:
        return s.camel(
            await catalog.set_availability(deps, _tenant(caller), store_id, product_id, s.fields(data))
        )

    @get("/products/{product_id:str}/slots")
    async def slots(
        self,
        caller: Caller,
        store_id: str,
        product_id: str,
        deps: Deps,
        from_: Annotated[str | None, QueryParameter(name="from", max_length=10)] = None,
        days: Annotated[int, Parameter(ge=1, le=31)] = 7,
    ) -> dict[str, Any]:
        tenant = _tenant(caller)
        await stores.store_of(deps, tenant, store_id)
        items = await catalog.slots(
            deps, tenant, store_id, product_id, catalog.parse_day(from_), days, public=False
        )
        return _page(items, None)

    @post("/products/{product_id:str}/variants", status_code=201)
    async def add_variant(
        self, caller: Caller, store_id: str, product_id: str, data: s.VariantIn, deps: Deps
    ) -> dict[str, Any]:
        return s.camel(await catalog.add_variant(deps, _tenant(caller), store_id, product_id, s.fields(data)))

    @patch("/products/{product_id:str}/variants/{variant_id:str}")
    async def update_variant(
        self,
        caller: Caller,
        store_id: str,
        product_id: str,
        variant_id: str,
        data: s.VariantPatch,
        deps: Deps,
    ) -> dict[str, Any]:
        return s.camel(
            await catalog.update_variant(
                deps, _tenant(caller), store_id, product_id, variant_id, s.fields(data)
            )
        )

    @delete("/products/{product_id:str}/variants/{variant_id:str}", status_code=204)
    async def delete_variant(
        self, caller: Caller, store_id: str, product_id: str, variant_id: str, deps: Deps
    ) -> None:
        await catalog.update_variant(
            deps, _tenant(caller), store_id, product_id, variant_id, {"status": "deleted"}
        )

    @post("/products/{product_id:str}/image-upload", status_code=201)
    async def image_upload(
        self, caller: Caller, store_id: str, product_id: str, data: s.ImageUpload, deps: Deps
    ) -> dict[str, Any]:
        return s.camel(
            await catalog.image_upload(deps, _tenant(caller), store_id, product_id, data.content_type)
        )

    # inventory intelligence
    @get("/alerts")
    async def alerts(
        self,
        caller: Caller,
        store_id: str,
        deps: Deps,
        limit: Limit = 50,
        cursor: Cursor = None,
        status: Annotated[str | None, Parameter(pattern="^(OPEN|REORDERED|RESOLVED)$")] = None,
    ) -> dict[str, Any]:
        items, next_cursor = await restock.list_alerts(deps, _tenant(caller), store_id, limit, cursor, status)
        return _page(items, next_cursor)

    @get("/forecasts")
    async def forecasts(self, caller: Caller, store_id: str, deps: Deps) -> dict[str, Any]:
        return _page(await restock.list_forecasts(deps, _tenant(caller), store_id), None)

    @get("/purchase-orders")
    async def purchase_orders(
        self, caller: Caller, store_id: str, deps: Deps, limit: Limit = 50, cursor: Cursor = None
    ) -> dict[str, Any]:
        items, next_cursor = await restock.list_pos(deps, _tenant(caller), store_id, limit, cursor)
        return _page(items, next_cursor)


class RestockController(Controller):
    tags = ["restock"]
    guards = [requires(BUSINESS_OWNER)]

    @post("/alerts/{alert_id:str}/reorder", status_code=201)
    async def reorder(
        self, caller: Caller, alert_id: str, deps: Deps, data: s.Reorder | None = None
    ) -> Response[dict[str, Any]]:
        po, created = await restock.reorder(deps, _tenant(caller), alert_id, data.quantity if data else None)
        return Response(s.camel(po), status_code=201 if created else 200)

    @post("/purchase-orders/{po_id:str}/receive", status_code=200)
    async def receive(
        self, caller: Caller, po_id: str, deps: Deps, data: s.Receive | None = None
    ) -> dict[str, Any]:
        po = await restock.receive(deps, _tenant(caller), po_id, data.quantity if data else None, caller.sub)
        return s.camel(po)


# ---- public storefront ---------------------------------------------------------------------------------------
def _cacheable(etag: str, body: dict[str, Any] | None) -> Response:
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if body is None:
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=s.camel(body), headers=headers)


class PublicController(Controller):
    path = "/public/stores/{store_id:str}"
    tags = ["storefront"]

    @get("/products")
    async def products(
        self,
        store_id: str,
        deps: Deps,
        if_none_match: IfNoneMatch = None,
        category: Annotated[str | None, Parameter(max_length=64)] = None,
        cursor: Cursor = None,
        limit: Limit = 24,
    ) -> Response:
        etag, body = await public.products_page(
            deps, store_id, category=category, cursor=cursor, limit=limit, if_none_match=if_none_match
        )
        return _cacheable(etag, body)

    @get("/products/{product_id:str}")
    async def product(
        self, store_id: str, product_id: str, deps: Deps, if_none_match: IfNoneMatch = None
    ) -> Response:
        etag, body = await public.product(deps, store_id, product_id, if_none_match=if_none_match)
        return _cacheable(etag, body)

    @get("/categories")
    async def categories(self, store_id: str, deps: Deps, if_none_match: IfNoneMatch = None) -> Response:
        etag, body = await public.categories(deps, store_id, if_none_match=if_none_match)
        return _cacheable(etag, body)

    @get("/products/{product_id:str}/slots")
    async def slots(
        self,
        store_id: str,
        product_id: str,
        deps: Deps,
        from_: Annotated[str | None, QueryParameter(name="from", max_length=10)] = None,
        days: Annotated[int, Parameter(ge=1, le=14)] = 7,
    ) -> Response:
        tenant = await public.tenant_of_public(deps, store_id)
        items = await catalog.slots(
            deps, tenant, store_id, product_id, catalog.parse_day(from_), days, public=True
        )
        # Slot availability changes with every booking: short shared caching only.
        return Response(content={"items": s.camel(items)}, headers={"Cache-Control": "public, max-age=5"})


# ---- internal (orders) -------------------------------------------------------------------------------------
def _reservation(view: dict[str, Any]) -> s.Reservation:
    return s.Reservation(
        order_id=view["order_id"],
        store_id=view["store_id"],
        status=view["status"],
        expires_at=view["expires_at"],
        items=[s.ReservationItem(**i) for i in view["items"]],
        total_paise=view["total_paise"],
    )


class InternalController(Controller):
    path = "/internal/stores/{store_id:str}/reservations"
    tags = ["internal"]
    guards = [requires_service]
    include_in_schema = True

    @post("/", status_code=201)
    async def reserve(self, store_id: str, data: s.ReservationRequest, deps: Deps) -> Response[s.Reservation]:
        lines = [
            Line(
                index=i,
                product_id=it.product_id,
                quantity=it.quantity,
                variant_id=it.variant_id,
                slot_id=it.slot_id,
            )
            for i, it in enumerate(data.items)
        ]
        view, created = await reservations.reserve(
            deps,
            store_id,
            order_id=data.order_id,
            tenant_id=data.tenant_id,
            lines=lines,
            hold_seconds=data.hold_seconds,
        )
        return Response(_reservation(view), status_code=201 if created else 200)

    @get("/{order_id:str}")
    async def get_reservation(self, store_id: str, order_id: str, deps: Deps) -> s.Reservation:
        return _reservation(await reservations.get(deps, store_id, order_id))

    @post("/{order_id:str}/confirm", status_code=200)
    async def confirm(self, store_id: str, order_id: str, deps: Deps) -> s.Reservation:
        return _reservation(await reservations.confirm(deps, store_id, order_id))

    @post("/{order_id:str}/release", status_code=200)
    async def release(self, store_id: str, order_id: str, deps: Deps) -> s.Reservation:
        return _reservation(await reservations.release(deps, store_id, order_id, reason="cancelled"))


ROUTES = [StoreController, RestockController, PublicController, InternalController]
