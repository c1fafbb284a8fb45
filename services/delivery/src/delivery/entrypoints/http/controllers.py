"""HTTP ↔ use cases. Controllers translate and nothing else."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post, put
from litestar.params import Parameter

from delivery.domain.location import Fix
from delivery.domain.store import StoreSettings
from delivery.entrypoints.http import schemas as s
from delivery.service import actions, assign, location, queries, shifts, stores
from delivery.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_http import requires
from webdpro_http.wire import to
from webdpro_tenancy import BUSINESS_OWNER, CUSTOMER, DELIVERY_AGENT, Caller

PathId = Annotated[str, Parameter(max_length=64)]
Limit = Annotated[int, Parameter(ge=1, le=100)]
Cursor = Annotated[str | None, Parameter(max_length=1024)]
Day = Annotated[
    str | None, Parameter(max_length=10, description="An Indian calendar day, YYYY-MM-DD (today)")
]

CASH_IN_HAND_NOTE = (
    "cashCollectedPaise is the cash agents recorded here. Cash still in an agent's hand (collected minus what "
    "they handed over to you) is in the payments ledger: GET /api/payments/agents/{agentId}/cash."
)


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


def _settings(store_id: str, settings: StoreSettings) -> s.StoreSettings:
    pickup = None
    if settings.pickup_lat is not None and settings.pickup_lng is not None:
        pickup = {"lat": settings.pickup_lat, "lng": settings.pickup_lng}
    return s.StoreSettings(
        store_id=store_id,
        auto_assign=settings.auto_assign,
        delivery_fee_paise=settings.delivery_fee_paise,
        agent_cut_paise=settings.agent_cut_paise,
        agent_cut_bps=settings.agent_cut_bps,
        cod_allowed=settings.cod_allowed,
        pickup=pickup,
    )


class AgentController(Controller):
    tags = ["agent"]
    guards = [requires(DELIVERY_AGENT)]

    @get("/me/assignments")
    async def my_assignments(
        self, caller: Caller, deps: Deps, open: bool = True, limit: Limit = 50, cursor: Cursor = None
    ) -> s.AgentAssignmentPage:
        items, nxt = await queries.my_assignments(deps, caller, open, limit, cursor)
        return s.AgentAssignmentPage(items=[to(s.AgentAssignment, i) for i in items], next_cursor=nxt)

    @get("/me/assignments/{assignment_id:str}")
    async def my_assignment(self, caller: Caller, deps: Deps, assignment_id: PathId) -> s.AgentAssignment:
        return to(s.AgentAssignment, await queries.my_assignment(deps, caller, assignment_id))

    @post("/me/shift", status_code=200)
    async def shift(self, caller: Caller, deps: Deps, data: s.ShiftRequest) -> s.Shift:
        agent = await shifts.set_shift(deps, caller, data.on_shift)
        return s.Shift(agent_id=agent["agent_id"], on_shift=bool(agent["on_shift"]))

    @post("/me/location", status_code=202)
    async def location(self, caller: Caller, deps: Deps, data: s.Point | list[s.Point]) -> s.LocationAck:
        """One point, or a batch (oldest to newest or in any order): accepted for writing within a second."""
        points = data if isinstance(data, list) else [data]
        fixes = [Fix(p.lat, p.lng, p.accuracy, p.at, p.heading) for p in points]
        answer = await location.ingest(deps.positions, caller, fixes)
        return s.LocationAck(accepted=answer["accepted"], position_at=answer["position_at"])

    @post("/assignments/{assignment_id:str}/picked", status_code=200)
    async def picked(self, caller: Caller, deps: Deps, assignment_id: PathId) -> s.AgentAssignment:
        return to(
            s.AgentAssignment,
            await queries.agent_view(deps, await actions.picked(deps, caller, assignment_id)),
        )

    @post("/assignments/{assignment_id:str}/proof-upload", status_code=200)
    async def proof_upload(
        self, caller: Caller, deps: Deps, assignment_id: PathId, data: s.ProofUploadRequest
    ) -> s.ProofUpload:
        return to(s.ProofUpload, await actions.proof_upload(deps, caller, assignment_id, data.content_type))

    @post("/assignments/{assignment_id:str}/delivered", status_code=200)
    async def delivered(
        self, caller: Caller, deps: Deps, assignment_id: PathId, data: s.DeliveredRequest
    ) -> s.AgentAssignment:
        done = await actions.delivered(deps, caller, assignment_id, code=data.code, photo_key=data.photo_key)
        return to(s.AgentAssignment, await queries.agent_view(deps, done))

    @post("/assignments/{assignment_id:str}/cash-collected", status_code=200)
    async def cash_collected(
        self, caller: Caller, deps: Deps, assignment_id: PathId, data: s.CashRequest
    ) -> s.AgentAssignment:
        done = await actions.cash_collected(deps, caller, assignment_id, data.amount_paise)
        return to(s.AgentAssignment, await queries.agent_view(deps, done))

    @post("/assignments/{assignment_id:str}/failed", status_code=200)
    async def failed(
        self, caller: Caller, deps: Deps, assignment_id: PathId, data: s.FailedRequest
    ) -> s.AgentAssignment:
        done = await actions.failed(deps, caller, assignment_id, data.reason.strip())
        return to(s.AgentAssignment, await queries.agent_view(deps, done))


class MerchantController(Controller):
    tags = ["merchant"]
    guards = [requires(BUSINESS_OWNER)]

    @get("/stores/{store_id:str}/settings")
    async def get_settings(self, caller: Caller, deps: Deps, store_id: PathId) -> s.StoreSettings:
        _, settings = await stores.settings_of(deps, _tenant(caller), store_id)
        return _settings(store_id, settings)

    @put("/stores/{store_id:str}/settings")
    async def put_settings(
        self, caller: Caller, deps: Deps, store_id: PathId, data: s.SettingsRequest
    ) -> s.StoreSettings:
        wanted = StoreSettings(
            auto_assign=data.auto_assign,
            delivery_fee_paise=data.delivery_fee_paise,
            agent_cut_paise=data.agent_cut_paise,
            agent_cut_bps=data.agent_cut_bps,
            cod_allowed=data.cod_allowed,
            pickup_lat=f"{data.pickup.lat:.6f}" if data.pickup else None,
            pickup_lng=f"{data.pickup.lng:.6f}" if data.pickup else None,
        )
        _, settings = await stores.update_settings(deps, _tenant(caller), store_id, wanted)
        return _settings(store_id, settings)

    @post("/stores/{store_id:str}/orders/{order_id:str}/assign", status_code=201)
    async def assign(
        self, caller: Caller, deps: Deps, store_id: PathId, order_id: PathId, data: s.AssignRequest
    ) -> Response[s.Delivery]:
        assignment, created = await assign.assign_by_merchant(
            deps, _tenant(caller), store_id, order_id, data.agent_id
        )
        body = to(s.Delivery, queries.merchant_view(assignment))
        return Response(body, status_code=201 if created else 200)

    @get("/stores/{store_id:str}/deliveries")
    async def deliveries(
        self,
        caller: Caller,
        deps: Deps,
        store_id: PathId,
        status: s.AssignmentState | None = None,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> s.DeliveryPage:
        items, nxt = await queries.store_deliveries(deps, _tenant(caller), store_id, status, limit, cursor)
        return s.DeliveryPage(items=[to(s.Delivery, i) for i in items], next_cursor=nxt)

    @get("/deliveries/{assignment_id:str}")
    async def delivery(self, caller: Caller, deps: Deps, assignment_id: PathId) -> s.DeliveryDetail:
        return to(s.DeliveryDetail, await queries.delivery(deps, _tenant(caller), assignment_id))

    @get("/agents")
    async def agents(self, caller: Caller, deps: Deps) -> s.AgentList:
        found = await queries.agents(deps, _tenant(caller))
        return s.AgentList(items=[to(s.Agent, a) for a in found], cash_in_hand_note=CASH_IN_HAND_NOTE)

    @get("/agents/{agent_id:str}/cod")
    async def agent_cod(
        self, caller: Caller, deps: Deps, agent_id: PathId, date: Day = None
    ) -> s.AgentReconciliation:
        return to(
            s.AgentReconciliation, await queries.agent_reconciliation(deps, _tenant(caller), agent_id, date)
        )

    @get("/cod")
    async def cod(self, caller: Caller, deps: Deps, date: Day = None) -> s.Reconciliation:
        return to(s.Reconciliation, await queries.reconciliation(deps, _tenant(caller), date))


class CustomerController(Controller):
    tags = ["customer"]
    guards = [requires(CUSTOMER)]

    @get("/track/{order_id:str}")
    async def track(self, caller: Caller, deps: Deps, order_id: PathId) -> s.Tracking:
        return to(s.Tracking, await queries.track(deps, caller, order_id))


ROUTES: list[Any] = [AgentController, MerchantController, CustomerController]
