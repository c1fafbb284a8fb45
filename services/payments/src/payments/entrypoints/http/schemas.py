"""Request and response bodies (camelCase on the wire). Unknown fields in requests are refused."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
RzpId = Annotated[str, msgspec.Meta(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
Paise = Annotated[int, msgspec.Meta(ge=100, le=50_000_000)]  # ₹1 (Razorpay's minimum) .. ₹5,00,000
AnyPaise = Annotated[int, msgspec.Meta(ge=1, le=50_000_000)]
CutPaise = Annotated[int, msgspec.Meta(ge=0, le=50_000_000)]
Phone = Annotated[str, msgspec.Meta(pattern=r"^\+?[0-9]{10,15}$")]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class CheckoutRequest(Request):
    order_id: Id
    tenant_id: Id
    store_id: Id
    amount_paise: Paise
    method: Literal["UPI", "ONLINE"]
    customer_phone: Phone | None = None


class VerifyRequest(Request):
    order_id: Id
    razorpay_payment_id: RzpId
    razorpay_order_id: RzpId
    razorpay_signature: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class LinkedAccountRequest(Request):
    legal_business_name: Text
    contact_name: Text
    email: Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    phone: Phone
    business_type: (
        Literal["individual", "proprietorship", "partnership", "private_limited", "public_limited", "llp"]
        | None
    ) = None
    category: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    subcategory: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    street: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    city: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    state: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    postal_code: Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{5}$")] | None = None


class RefundRequest(Request):
    amount_paise: AnyPaise
    reason: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class HandoverRequest(Request):
    amount_paise: CutPaise
    kept_delivery_cut_paise: CutPaise = 0
    note: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class PlatformPaymentRequest(Request):
    purpose: Literal["STORE_PUBLISH", "REPUBLISH", "DOMAIN", "SUBSCRIPTION"]
    store_id: Id
    domain: (
        Annotated[str, msgspec.Meta(max_length=253, pattern=r"^[a-z0-9][a-z0-9.\-]*\.[a-z]{2,}$")] | None
    ) = None
    domain_price_paise: CutPaise | None = None
    build_id: Id | None = None


class PublishChargeRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """sitegen's body, snake_case as the other services' event data."""

    tenant_id: Id
    store_id: Id
    publication_id: Id
    kind: Literal["PUBLISH", "REPUBLISH"]
    domain: (
        Annotated[str, msgspec.Meta(max_length=253, pattern=r"^[a-z0-9][a-z0-9.\-]*\.[a-z]{2,}$")] | None
    ) = None
    domain_price_paise: CutPaise | None = None


# --- responses ---
class Response(msgspec.Struct, rename="camel", kw_only=True):
    pass


class CheckoutAnswer(Response):
    key_id: str
    razorpay_order_id: str
    amount_paise: int
    currency: str
    checkout_js_url: str


class VerifyAnswer(Response):
    order_id: str
    status: str
    payment_id: str | None
    amount_paise: int


class WebhookAnswer(Response):
    status: str
    webhook_id: str


def to(struct: type, value: dict[str, Any]) -> Any:
    return msgspec.convert(value, struct)
