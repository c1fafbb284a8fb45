"""Request and response bodies (camelCase on the wire). Unknown fields in requests are refused (422)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Paise = Annotated[int, msgspec.Meta(ge=0, le=100_000_000_00)]  # up to ₹100 crore; never negative
AssignmentState = Literal["ASSIGNED", "PICKED_UP", "DELIVERED", "FAILED", "REASSIGNED", "CANCELLED"]
PhotoType = Literal["image/jpeg", "image/png", "image/webp", "image/heic"]


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class AssignRequest(Request):
    agent_id: Id


class ShiftRequest(Request):
    on_shift: bool


class DeliveredRequest(Request):
    """One proof: the customer's 4-digit delivery code, or the key of a photo uploaded for this assignment."""

    code: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}$")] | None = None
    photo_key: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None


class CashRequest(Request):
    amount_paise: Paise


class FailedRequest(Request):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=r"\S")]


class ProofUploadRequest(Request):
    content_type: PhotoType


class Point(Request):
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lng: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    accuracy: Annotated[float, msgspec.Meta(ge=0, le=10_000)]  # metres
    at: datetime
    heading: Annotated[float, msgspec.Meta(ge=0, le=360)] | None = None  # degrees from north


class Pickup(Request):
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lng: Annotated[float, msgspec.Meta(ge=-180, le=180)]


class SettingsRequest(Request):
    """The store's delivery settings; a field left out takes its default."""

    auto_assign: bool = True
    delivery_fee_paise: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0
    agent_cut_paise: Annotated[int, msgspec.Meta(ge=0, le=100_000)] | None = None
    agent_cut_bps: Annotated[int, msgspec.Meta(ge=0, le=5_000)] | None = None
    cod_allowed: bool = True
    pickup: Pickup | None = None


# --- responses ---
class Response(msgspec.Struct, rename="camel", kw_only=True):
    pass


class Item(Response, kw_only=True):
    name: str
    quantity: int


class Address(Response, kw_only=True, omit_defaults=True):
    line1: str | None = None
    line2: str | None = None
    landmark: str | None = None
    city: str | None = None
    pincode: str | None = None
    name: str | None = None
    phone: str | None = None
    lat: str | None = None
    lng: str | None = None


class AgentAssignment(Response, kw_only=True):
    """What an agent sees of one of their assignments: where, what, and what to collect."""

    assignment_id: str
    order_id: str
    store_id: str
    store_name: str
    status: str
    open: bool
    payment_method: str | None
    amount_paise: int
    collect_paise: int
    items: list[Item]
    delivery_address: Address | None = None
    cash_collected_paise: int | None = None
    assigned_at: str
    picked_at: str | None = None
    delivered_at: str | None = None
    failed_at: str | None = None
    reason: str | None = None
    proof: str | None = None


class AgentAssignmentPage(Response, kw_only=True):
    items: list[AgentAssignment]
    next_cursor: str | None


class Shift(Response, kw_only=True):
    agent_id: str
    on_shift: bool


class LocationAck(Response, kw_only=True):
    accepted: int
    position_at: str  # the newest point of the request


class ProofUpload(Response, kw_only=True):
    upload_url: str
    photo_key: str
    expires_in: int
    headers: dict[str, str]
    max_bytes: int


class Position(Response, kw_only=True):
    lat: str
    lng: str
    accuracy: int | None = None
    heading: int | None = None
    at: str


class Delivery(Response, kw_only=True):
    """A delivery as the merchant sees it."""

    assignment_id: str
    order_id: str
    store_id: str
    agent_id: str
    agent_name: str | None = None
    status: str
    auto: bool = False
    payment_method: str | None = None
    amount_paise: int
    due_paise: int
    cash_collected_paise: int | None = None
    discrepancy_paise: int | None = None
    agent_cut_paise: int | None = None
    proof: str | None = None
    reason: str | None = None
    assigned_at: str
    picked_at: str | None = None
    delivered_at: str | None = None
    failed_at: str | None = None
    cash_collected_at: str | None = None
    previous_assignment_id: str | None = None


class DeliveryDetail(Delivery, kw_only=True):
    trail: list[Position]
    proof_url: str | None = None


class DeliveryPage(Response, kw_only=True):
    items: list[Delivery]
    next_cursor: str | None


class CodTotals(Response, kw_only=True):
    orders: int
    due_paise: int
    collected_paise: int
    discrepancy_paise: int
    pending_paise: int


class Agent(Response, kw_only=True):
    agent_id: str
    name: str | None
    phone: str | None
    status: str
    on_shift: bool
    active_deliveries: int
    last_position: Position | None
    cash_collected_paise: int
    cod_today: CodTotals


class AgentList(Response, kw_only=True):
    items: list[Agent]
    cash_in_hand_note: str


class CodLine(Response, kw_only=True):
    order_id: str
    store_id: str
    assignment_id: str
    due_paise: int
    collected_paise: int | None = None
    discrepancy_paise: int | None = None
    delivered_at: str | None = None
    collected_at: str | None = None


class AgentReconciliation(CodTotals, kw_only=True):
    date: str
    agent_id: str
    name: str | None
    lines: list[CodLine]


class AgentCod(CodTotals, kw_only=True):
    agent_id: str
    name: str | None


class Reconciliation(CodTotals, kw_only=True):
    date: str
    agents: list[AgentCod]


class StoreSettings(Response, kw_only=True):
    store_id: str
    auto_assign: bool
    delivery_fee_paise: int
    agent_cut_paise: int | None
    agent_cut_bps: int | None
    cod_allowed: bool
    pickup: dict[str, str] | None


class TrackingAgent(Response, kw_only=True):
    name: str | None
    phone_masked: str | None


class Tracking(Response, kw_only=True):
    order_id: str
    store_id: str
    store_name: str
    status: str
    delivery_code: str | None
    agent: TrackingAgent | None
    agent_position: Position | None
    delivered_at: str | None
    proof: str | None
