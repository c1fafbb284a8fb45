"""HTTP ↔ use cases. Controllers translate and nothing else.

Guards: `/internal/…` takes a service token; `/webhooks/razorpay` takes Razorpay's signature (no token);
`/verify` is the customer's (or, for a platform fee, the merchant's); everything else is the merchant's
(BUSINESS_OWNER) over their own tenant. The founder (SUPER_ADMIN) is refused (403) on every route: no endpoint
lets them move or see a merchant's money.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from payments.domain.fees import Purpose
from payments.entrypoints.http import schemas as s
from payments.service import (
    capture,
    cash,
    checkout,
    merchants,
    publish_charges,
    queries,
    route,
    webhooks,
)
from payments.service.deps import Deps
from webdpro_core.errors import Forbidden, Problem
from webdpro_http import requires, requires_service
from webdpro_tenancy import BUSINESS_OWNER, CUSTOMER, Caller

PathId = Annotated[str, Parameter(max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Limit = Annotated[int, Parameter(ge=1, le=200)]
Cursor = Annotated[str | None, Parameter(max_length=2048)]
DateParam = Annotated[str | None, Parameter(max_length=40)]
IdemKey = Annotated[str | None, Parameter(header="Idempotency-Key", max_length=128)]


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


def _key(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value or not all(c.isalnum() or c in "-_:." for c in value):
        raise Problem(
            "Idempotency-Key: 1..128 of A-Z a-z 0-9 - _ : .",
            code="IDEMPOTENCY_KEY_INVALID",
            field="Idempotency-Key",
        )
    return value


class InternalController(Controller):
    path = "/internal"
    tags = ["internal"]
    guards = [requires_service]

    @post("/checkouts", status_code=201)
    async def open_checkout(self, deps: Deps, data: s.CheckoutRequest) -> Response[s.CheckoutAnswer]:
        answer = await checkout.open_order(
            deps,
            checkout.CheckoutCommand(
                order_id=data.order_id,
                tenant_id=data.tenant_id,
                store_id=data.store_id,
                amount_paise=data.amount_paise,
                method=data.method,
                customer_phone=data.customer_phone,
            ),
        )
        return Response(s.to(s.CheckoutAnswer, answer.body), status_code=answer.status_code)

    @post("/publish-charges", status_code=201)
    async def publish_charge(self, deps: Deps, data: s.PublishChargeRequest) -> Response[dict[str, Any]]:
        status, out = await publish_charges.charge(
            deps,
            publish_charges.PublishCharge(
                tenant_id=data.tenant_id,
                store_id=data.store_id,
                publication_id=data.publication_id,
                kind=data.kind,
                domain=data.domain,
                domain_price_paise=data.domain_price_paise,
            ),
        )
        return Response(out, status_code=status)


class WebhookController(Controller):
    path = "/webhooks"
    tags = ["webhooks"]

    @post("/razorpay", status_code=200)
    async def razorpay(
        self,
        request: Request,
        deps: Deps,
        signature: Annotated[str | None, Parameter(header="X-Razorpay-Signature", max_length=256)] = None,
        event_id: Annotated[str | None, Parameter(header="X-Razorpay-Event-Id", max_length=128)] = None,
    ) -> s.WebhookAnswer:
        raw = await request.body()
        return s.to(s.WebhookAnswer, await webhooks.receive(deps, raw, signature, event_id))


class VerifyController(Controller):
    tags = ["customer"]
    guards = [requires(CUSTOMER, BUSINESS_OWNER)]

    @post("/verify", status_code=200)
    async def verify(self, caller: Caller, deps: Deps, data: s.VerifyRequest) -> s.VerifyAnswer:
        out = await capture.verify(
            deps,
            caller,
            data.order_id,
            data.razorpay_order_id,
            data.razorpay_payment_id,
            data.razorpay_signature,
        )
        return s.to(s.VerifyAnswer, out)


class MerchantController(Controller):
    tags = ["merchant"]
    guards = [requires(BUSINESS_OWNER)]

    # --- Route onboarding ---
    @post("/linked-account", status_code=201)
    async def link(
        self, caller: Caller, deps: Deps, data: s.LinkedAccountRequest
    ) -> Response[dict[str, Any]]:
        body = {f: getattr(data, f) for f in data.__struct_fields__}
        status, out = await merchants.link(deps, _tenant(caller), body)
        return Response(out, status_code=status)

    @get("/linked-account")
    async def linked(self, caller: Caller, deps: Deps) -> dict[str, Any]:
        return await merchants.linked(deps, _tenant(caller))

    # --- payments and refunds ---
    @get("/payments")
    async def payments(
        self, caller: Caller, deps: Deps, limit: Limit = 50, cursor: Cursor = None
    ) -> dict[str, Any]:
        items, nxt = await deps.repo.merchant_payments(_tenant(caller), limit, cursor)
        return {"items": [queries.payment_view(p) for p in items], "nextCursor": nxt}

    @get("/payments/{order_id:str}")
    async def payment(self, caller: Caller, deps: Deps, order_id: PathId) -> dict[str, Any]:
        p = await deps.repo.get_payment(_tenant(caller), order_id)
        if p is None:
            from payments.service.common import payment_not_found

            raise payment_not_found()
        view = queries.payment_view(p)
        view["refunds"] = [
            {
                "refundId": r.get("refund_id"),
                "amountPaise": r["amount_paise"],
                "status": r["status"],
                "reason": r.get("reason"),
                "createdAt": r["created_at"],
            }
            for r in await deps.repo.refunds(p["tenant_id"], order_id)
        ]
        return view

    @post("/payments/{order_id:str}/refunds", status_code=201)
    async def refund(
        self,
        caller: Caller,
        deps: Deps,
        order_id: PathId,
        data: s.RefundRequest,
        idempotency_key: IdemKey = None,
    ) -> dict[str, Any]:
        r = await route.merchant_refund(
            deps, _tenant(caller), order_id, data.amount_paise, _key(idempotency_key), data.reason
        )
        return {
            "refundId": r.get("refund_id"),
            "orderId": order_id,
            "amountPaise": r["amount_paise"],
            "status": r["status"],
            "platformPaise": r["platform_paise"],
            "merchantPaise": r["merchant_paise"],
            "reversedPaise": r["reversed_paise"],
        }

    # --- cash on delivery ---
    @post("/agents/{agent_id:str}/cash-handover", status_code=201)
    async def handover(
        self,
        caller: Caller,
        deps: Deps,
        agent_id: PathId,
        data: s.HandoverRequest,
        idempotency_key: IdemKey = None,
    ) -> dict[str, Any]:
        return await cash.handover(
            deps,
            _tenant(caller),
            agent_id,
            data.amount_paise,
            data.kept_delivery_cut_paise,
            _key(idempotency_key),
            data.note,
        )

    @get("/agents/{agent_id:str}/cash")
    async def agent_cash(self, caller: Caller, deps: Deps, agent_id: PathId) -> dict[str, Any]:
        return {"agentId": agent_id, **await cash.agent_position(deps, _tenant(caller), agent_id)}

    # --- ledger, balance, statement, settlements ---
    @get("/ledger")
    async def ledger(
        self,
        caller: Caller,
        deps: Deps,
        from_: Annotated[str | None, Parameter(query="from", max_length=40)] = None,
        to: DateParam = None,
        limit: Limit = 100,
        cursor: Cursor = None,
    ) -> dict[str, Any]:
        return await queries.ledger(deps, _tenant(caller), from_, to, limit, cursor)

    @get("/ledger/statement.csv", media_type="text/csv")
    async def statement(
        self,
        caller: Caller,
        deps: Deps,
        from_: Annotated[str | None, Parameter(query="from", max_length=40)] = None,
        to: DateParam = None,
    ) -> Response[str]:
        body = await queries.statement_csv(deps, _tenant(caller), from_, to)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="webdpro-statement.csv"'},
        )

    @get("/balance")
    async def balance(self, caller: Caller, deps: Deps) -> dict[str, Any]:
        return await queries.balance(deps, _tenant(caller))

    @get("/settlements")
    async def settlements(
        self, caller: Caller, deps: Deps, limit: Limit = 30, cursor: Cursor = None
    ) -> dict[str, Any]:
        return await queries.settlements(deps, _tenant(caller), limit, cursor)

    # --- platform fees ---
    @post("/platform-payments", status_code=201)
    async def platform_payment(
        self, caller: Caller, deps: Deps, data: s.PlatformPaymentRequest, idempotency_key: IdemKey = None
    ) -> Response[dict[str, Any]]:
        details = {
            k: v
            for k, v in {
                "domain": data.domain,
                "domain_price_paise": data.domain_price_paise,
                "build_id": data.build_id,
            }.items()
            if v is not None
        }
        status, out = await merchants.platform_payment(
            deps, _tenant(caller), Purpose(data.purpose), data.store_id, details, _key(idempotency_key)
        )
        return Response(out, status_code=status)

    @get("/platform-payments/{payment_id:str}")
    async def get_platform_payment(self, caller: Caller, deps: Deps, payment_id: PathId) -> dict[str, Any]:
        p = await deps.repo.get_payment(_tenant(caller), payment_id)
        if p is None or p.get("purpose", "ORDER") == "ORDER":
            from payments.service.common import payment_not_found

            raise payment_not_found()
        return merchants._fee_answer(deps, p)


ROUTES = [InternalController, WebhookController, VerifyController, MerchantController]
