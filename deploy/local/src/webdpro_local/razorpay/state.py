"""In-memory Razorpay: orders, payments, refunds, linked accounts, transfers, reversals, settlements, plans and
subscriptions, with their state machines and the webhooks they trigger.

Everything runs on the server's single event loop and no method awaits, so each operation is atomic.
Entities are kept as the JSON dicts Razorpay sends (amounts in paise, timestamps in Unix seconds); `render`
turns an empty `notes` into `[]` the way Razorpay serialises it. Validation messages are Razorpay's where its
documentation gives them (see errors.py); the rest follow the same Laravel wording ("The x field is required.").
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import hmac
import json
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from webdpro_local.razorpay.config import Config
from webdpro_local.razorpay.errors import NOT_CAPTURED, invalid, na, not_found
from webdpro_local.razorpay.faults import Faults

_ALNUM = string.ascii_letters + string.digits
_ID = re.compile(r"^[a-z]+_[A-Za-z0-9]{14}$")
_REFUND_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_TRANSFER_KEY = re.compile(r"^[A-Za-z0-9_\- ]{4,36}$")
METHODS = ("upi", "card", "netbanking", "wallet")
PERIODS = ("daily", "weekly", "monthly", "quarterly", "yearly")

Entity = dict[str, Any]
Emit = Callable[[list[Entity]], None]


def new_id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALNUM) for _ in range(14))


def _digits(n: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(n))


def render(value: Any) -> Any:
    """A deep copy fit for the wire: empty `notes` become `[]`, private keys (leading `_`) are left out."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k.startswith("_"):
                continue
            out[k] = [] if k == "notes" and v == {} else render(v)
        return out
    if isinstance(value, list):
        return [render(v) for v in value]
    return copy.copy(value)


def collection(items: Iterable[Entity]) -> Entity:
    items = [render(i) for i in items]
    return {"entity": "collection", "count": len(items), "items": items}


def signature(message: str, secret: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


# ---- input helpers ----------------------------------------------------------------------------------------


def check_fields(body: Entity, allowed: Iterable[str]) -> None:
    extra = [k for k in body if k not in set(allowed)]
    if extra:
        raise invalid(f"{', '.join(extra)} is/are not required and should not be sent", extra[0])


def as_int(value: Any, field: str, *, required: bool = False, label: str | None = None) -> int | None:
    label = label or field
    if value is None or value == "":
        if required:
            raise invalid(f"The {label} field is required.", field)
        return None
    if isinstance(value, bool):
        raise invalid(f"The {label} must be an integer.", field)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value.strip())
    raise invalid(f"The {label} must be an integer.", field)


def as_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in {"0", "1", "true", "false"}:
        return value.strip().lower() in {"1", "true"}
    raise invalid(f"The {field} field must be true or false.", field)


def as_notes(value: Any, field: str = "notes") -> dict[str, str]:
    if value is None or value == [] or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(f"The {field} must be an array.", field)
    if len(value) > 15:
        raise invalid("Number of fields in notes should be less than or equal to 15", field)
    out: dict[str, str] = {}
    for k, v in value.items():
        text = v if isinstance(v, str) else json.dumps(v) if isinstance(v, dict | list) else str(v)
        if len(text) > 256:
            raise invalid(f"The {field}.{k} may not be greater than 256 characters.", field)
        out[str(k)] = text
    return out


def _fee(amount: int) -> tuple[int, int]:
    """Razorpay's test-mode fee: 2 % of the amount plus 18 % GST on it; returns (fee incl. GST, GST)."""
    base = (amount * 2 + 50) // 100
    tax = (base * 18 + 50) // 100
    return base + tax, tax


def add_period(ts: int, period: str, interval: int) -> int:
    if period == "daily":
        return ts + 86_400 * interval
    if period == "weekly":
        return ts + 7 * 86_400 * interval
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[period] * interval
    dt = datetime.fromtimestamp(ts, UTC)
    month0 = dt.month - 1 + months
    year, month = dt.year + month0 // 12, month0 % 12 + 1
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return int(dt.replace(year=year, month=month, day=day).timestamp())


class State:
    def __init__(self, config: Config, emit: Emit, faults: Faults) -> None:
        self.config = config
        self._emit_bodies = emit
        self.faults = faults
        self.clock_offset = 0.0
        self.orders: dict[str, Entity] = {}
        self.payments: dict[str, Entity] = {}
        self.refunds: dict[str, Entity] = {}
        self.accounts: dict[str, Entity] = {}
        self.transfers: dict[str, Entity] = {}
        self.reversals: dict[str, Entity] = {}
        self.settlements: dict[str, Entity] = {}
        self.plans: dict[str, Entity] = {}
        self.subscriptions: dict[str, Entity] = {}
        self.refund_keys: dict[str, tuple[str, str]] = {}  # X-Refund-Idempotency → (fingerprint, refund id)
        self.transfer_keys: dict[str, tuple[str, str]] = {}  # X-Transfer-Idempotency → (fingerprint, id)

    def reset(self) -> None:
        self.__init__(self.config, self._emit_bodies, self.faults)  # type: ignore[misc]

    # ---- clock and events ---------------------------------------------------------------------------------

    def now(self) -> int:
        return int(time.time() + self.clock_offset)

    def _event(self, name: str, **entities: Entity | None) -> Entity:
        present = {k: v for k, v in entities.items() if v is not None}
        return {
            "entity": "event",
            "account_id": self.config.account_id,
            "event": name,
            "contains": list(present),
            "payload": {k: {"entity": render(v)} for k, v in present.items()},
            "created_at": self.now(),
        }

    def _emit(self, *events: Entity) -> None:
        self._emit_bodies(list(events))

    # ---- lookups ------------------------------------------------------------------------------------------

    @staticmethod
    def _get(table: dict[str, Entity], id_: str, prefix: str) -> Entity:
        if not _ID.match(id_) or not id_.startswith(prefix + "_"):
            raise invalid(f"{id_} is not a valid id")
        entity = table.get(id_)
        if entity is None:
            raise not_found()
        return entity

    def order(self, id_: str) -> Entity:
        return self._get(self.orders, id_, "order")

    def payment(self, id_: str) -> Entity:
        return self._get(self.payments, id_, "pay")

    def refund(self, id_: str) -> Entity:
        return self._get(self.refunds, id_, "rfnd")

    def account(self, id_: str) -> Entity:
        return self._get(self.accounts, id_, "acc")

    def transfer(self, id_: str) -> Entity:
        return self._get(self.transfers, id_, "trf")

    def settlement(self, id_: str) -> Entity:
        return self._get(self.settlements, id_, "setl")

    def plan(self, id_: str) -> Entity:
        return self._get(self.plans, id_, "plan")

    def subscription(self, id_: str) -> Entity:
        return self._get(self.subscriptions, id_, "sub")

    @staticmethod
    def page(items: list[Entity], query: dict[str, str]) -> list[Entity]:
        """Newest first, `from`/`to` (created_at) and `count` (≤100, default 10) / `skip`, as Razorpay lists."""
        count = as_int(query.get("count"), "count") or 10
        skip = as_int(query.get("skip"), "skip") or 0
        if not 1 <= count <= 100:
            raise invalid("The count must be between 1 and 100.", "count")
        lo = as_int(query.get("from"), "from")
        hi = as_int(query.get("to"), "to")
        rows = [
            i
            for i in reversed(items)
            if (lo is None or i["created_at"] >= lo) and (hi is None or i["created_at"] <= hi)
        ]
        return rows[skip : skip + count]

    # ---- orders -------------------------------------------------------------------------------------------

    ORDER_FIELDS = (
        "amount",
        "currency",
        "receipt",
        "notes",
        "partial_payment",
        "first_payment_min_amount",
        "payment_capture",
        "transfers",
        "method",
        "offer_id",
        "customer_id",
        "payment",
    )

    def create_order(self, body: Entity) -> Entity:
        check_fields(body, self.ORDER_FIELDS)
        amount = as_int(body.get("amount"), "amount", required=True)
        assert amount is not None
        currency = body.get("currency")
        if not currency:
            raise invalid("The currency field is required.", "currency")
        if currency != "INR":
            raise invalid("The selected currency is invalid.", "currency")
        if amount < 100:
            raise invalid("The amount must be at least INR 1.00", "amount")
        receipt = body.get("receipt")
        if receipt is not None:
            if not isinstance(receipt, str):
                raise invalid("The receipt must be a string.", "receipt")
            if len(receipt) > 40:
                raise invalid("The receipt may not be greater than 40 characters.", "receipt")
        notes = as_notes(body.get("notes"))
        partial = as_bool(body["partial_payment"], "partial_payment") if "partial_payment" in body else False
        capture = body.get("payment_capture")
        if capture is None and isinstance(body.get("payment"), dict):
            capture = body["payment"].get("capture")
        auto = self.config.auto_capture if capture is None else capture in (True, 1, "1", "true", "automatic")
        order_id = new_id("order")
        specs = body.get("transfers")
        transfers: list[Entity] = []
        if specs is not None:
            if partial:
                raise invalid(
                    "Transfers are not allowed on orders with partial payments enabled", "transfers"
                )
            transfers = self._new_transfers(order_id, specs, limit=amount, status="created")
        order = {
            "id": order_id,
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": currency,
            "receipt": receipt,
            "offer_id": body.get("offer_id"),
            "status": "created",
            "attempts": 0,
            "notes": notes,
            "created_at": self.now(),
            "_auto_capture": auto,
            "_partial_payment": partial,
        }
        if partial:
            order["partial_payment"] = True
        self.orders[order_id] = order
        for t in transfers:
            self.transfers[t["id"]] = t
        out = render(order)
        if transfers:
            out["transfers"] = [render(t) for t in transfers]
        return out

    def list_orders(self, query: dict[str, str]) -> Entity:
        rows = list(self.orders.values())
        if "receipt" in query:
            rows = [o for o in rows if o["receipt"] == query["receipt"]]
        if query.get("authorized") in {"1", "true"}:
            rows = [o for o in rows if o["status"] in {"attempted", "paid"}]
        return collection(self.page(rows, query))

    def order_payments(self, order_id: str) -> Entity:
        order = self.order(order_id)
        return collection(p for p in reversed(self.payments.values()) if p["order_id"] == order["id"])

    # ---- payments -----------------------------------------------------------------------------------------

    def _new_payment(self, amount: int, method: str, *, order_id: str | None, details: Entity) -> Entity:
        pay_id = new_id("pay")
        vpa = None
        bank = None
        acquirer: Entity = {}
        extra: Entity = {}
        card_id = None
        wallet = None
        if method == "upi":
            vpa = details.get("vpa") or "success@razorpay"
            acquirer = {"rrn": _digits(12), "upi_transaction_id": _digits(12)}
            extra["upi"] = {"payer_account_type": "bank_account", "vpa": vpa, "flow": "collect"}
        elif method == "card":
            card_id = new_id("card")
            acquirer = {"auth_code": _digits(6)}
            extra["card"] = {
                "id": card_id,
                "entity": "card",
                "name": details.get("name") or "",
                "last4": "1111",
                "network": "Visa",
                "type": "credit",
                "issuer": None,
                "international": False,
                "emi": False,
                "sub_type": "consumer",
                "token_iin": None,
            }
        elif method == "netbanking":
            bank = details.get("bank") or "HDFC"
            acquirer = {"bank_transaction_id": _digits(10)}
        elif method == "wallet":
            wallet = details.get("wallet") or "paytm"
            acquirer = {"transaction_id": None}
        payment = {
            "id": pay_id,
            "entity": "payment",
            "amount": amount,
            "currency": "INR",
            "status": "created",
            "order_id": order_id,
            "invoice_id": details.get("invoice_id"),
            "international": False,
            "method": method,
            "amount_refunded": 0,
            "amount_transferred": 0,
            "refund_status": None,
            "captured": False,
            "description": details.get("description"),
            "card_id": card_id,
            "bank": bank,
            "wallet": wallet,
            "vpa": vpa,
            "email": details.get("email") or "void@razorpay.com",
            "contact": details.get("contact") or "+919000090000",
            "notes": as_notes(details.get("notes")),
            "fee": None,
            "tax": None,
            "error_code": None,
            "error_description": None,
            "error_source": None,
            "error_step": None,
            "error_reason": None,
            "acquirer_data": acquirer,
            "created_at": self.now(),
            **extra,
        }
        if details.get("customer_id"):
            payment["customer_id"] = details["customer_id"]
        self.payments[pay_id] = payment
        return payment

    @staticmethod
    def _fail(payment: Entity, reason: str | None) -> Entity:
        reason = reason or "payment_failed"
        source = (
            "customer" if reason in {"payment_cancelled", "incorrect_pin", "insufficient_funds"} else "bank"
        )
        description = {
            "payment_cancelled": "Payment processing cancelled by user",
            "incorrect_pin": "Payment failed because of incorrect UPI PIN",
            "insufficient_funds": "Payment failed due to insufficient balance in the account",
        }.get(reason, "Payment failed")
        payment.update(
            status="failed",
            error_code="BAD_REQUEST_ERROR",
            error_description=description,
            error_source=source,
            error_step="payment_authorization",
            error_reason=reason,
        )
        return {
            "error": {
                "code": "BAD_REQUEST_ERROR",
                "description": description,
                "source": source,
                "step": "payment_authorization",
                "reason": reason,
                "metadata": {"payment_id": payment["id"], "order_id": payment["order_id"]},
            }
        }

    def pay_order(self, order_id: str, body: Entity) -> tuple[int, Entity]:
        """The hosted checkout's payment: success → the checkout handler's payload; failure → 400 with the
        error `payment.failed` receives in the browser."""
        order = self.order(order_id)
        method = body.get("method") or "upi"
        outcome = body.get("outcome") or "success"
        if method not in METHODS:
            raise invalid("Invalid payment method", "method")
        if outcome not in {"success", "failure"}:
            raise invalid("outcome must be success or failure", "outcome")
        if order["status"] == "paid":
            raise invalid(
                "Your payment has been declined as the order is already paid. Please initiate the payment with a new order.",
                "order_id",
            )
        if any(p["order_id"] == order_id and p["status"] == "authorized" for p in self.payments.values()):
            raise invalid(
                "Payment is already in progress for this order. Please wait for it to complete.", "order_id"
            )
        amount = order["amount_due"]
        if order["_partial_payment"] and body.get("amount") is not None:
            amount = as_int(body["amount"], "amount") or amount
            if not 100 <= amount <= order["amount_due"]:
                raise invalid("The amount is invalid for this order.", "amount")
        payment = self._new_payment(amount, method, order_id=order_id, details=body)
        order["attempts"] += 1
        if order["status"] == "created":
            order["status"] = "attempted"
        if outcome == "failure":
            error = self._fail(payment, body.get("error_reason"))
            self._emit(self._event("payment.failed", payment=payment))
            return 400, error
        payment["status"] = "authorized"
        events = [self._event("payment.authorized", payment=payment)]
        if order["_auto_capture"]:
            events += self._capture(payment)
        self._emit(*events)
        return 200, {
            "razorpay_payment_id": payment["id"],
            "razorpay_order_id": order_id,
            "razorpay_signature": signature(f"{order_id}|{payment['id']}", self.config.key_secret),
        }

    def _capture(self, payment: Entity) -> list[Entity]:
        fee, tax = _fee(payment["amount"])
        payment.update(status="captured", captured=True, fee=fee, tax=tax)
        events = [self._event("payment.captured", payment=payment)]
        order = self.orders.get(payment["order_id"] or "")
        if order is not None:
            order["amount_paid"] += payment["amount"]
            order["amount_due"] = order["amount"] - order["amount_paid"]
            if order["amount_due"] <= 0:
                order["status"] = "paid"
                events.append(self._event("order.paid", payment=payment, order=order))
            # Transfers set up on the order are made from this payment once it is captured.
            for t in self.transfers.values():
                if t["source"] == order["id"] and t["status"] == "created":
                    t["source"] = payment["id"]
                    events.append(self._process_transfer(t, payment))
        return events

    def capture(self, payment_id: str, body: Entity) -> Entity:
        payment = self.payment(payment_id)
        check_fields(body, ("amount", "currency"))
        amount = as_int(body.get("amount"), "amount", required=True)
        currency = body.get("currency")
        if not currency:
            raise invalid("The currency field is required.", "currency")
        if payment["status"] == "captured" or payment["captured"]:
            raise invalid("This payment has already been captured", "payment_id")
        if payment["status"] != "authorized":
            raise invalid(
                "Only payments which have been authorized and not yet captured can be captured", "payment_id"
            )
        if currency != payment["currency"]:
            raise invalid("The currency should be same as the payment currency", "currency")
        if amount != payment["amount"]:
            raise invalid("Capture amount must be equal to the amount authorized", "amount")
        order = self.orders.get(payment["order_id"] or "")
        if order is not None and order["status"] == "paid":
            raise invalid(
                "Your payment has been declined as the order is already paid. Please initiate the payment with a new order.",
                "payment_id",
            )
        self._emit(*self._capture(payment))
        return render(payment)

    def list_payments(self, query: dict[str, str]) -> Entity:
        return collection(self.page(list(self.payments.values()), query))

    # ---- refunds ------------------------------------------------------------------------------------------

    def create_refund(self, payment_id: str, body: Entity, key: str | None) -> Entity:
        payment = self.payment(payment_id)
        check_fields(body, ("amount", "speed", "notes", "receipt", "reverse_all"))
        fingerprint = ""
        if key is not None:
            if len(key) < 10:
                raise na("The idempotency key must be at least 10 characters long.")
            if not _REFUND_KEY.match(key):
                raise na(
                    "The idempotency key must only contain alphanumeric characters, underscores, and hyphens"
                )
            fingerprint = json.dumps([payment_id, body], sort_keys=True, default=str)
            seen = self.refund_keys.get(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    raise na(
                        "Different request with the same idempotency key has already been processed.",
                        status=409,
                    )
                return render(self.refunds[seen[1]])
        if payment["status"] == "refunded" or payment["amount_refunded"] >= payment["amount"]:
            raise invalid("The payment has been fully refunded already.", "payment_id")
        if payment["status"] != "captured":
            raise invalid(NOT_CAPTURED, "payment_id")
        remaining = payment["amount"] - payment["amount_refunded"]
        amount = as_int(body.get("amount"), "amount")
        amount = remaining if amount is None else amount
        if amount < 100:
            raise invalid("The amount must be at least INR 1.00.", "amount")
        if amount > remaining:
            raise invalid("The refund amount provided is greater than amount captured.", "amount")
        speed = body.get("speed") or "normal"
        if speed not in {"normal", "optimum"}:
            raise invalid("The selected speed is invalid.", "speed")
        receipt = body.get("receipt")
        if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 40):
            raise invalid("The receipt may not be greater than 40 characters.", "receipt")
        notes = as_notes(body.get("notes"))
        reverse_all = as_bool(body["reverse_all"], "reverse_all") if "reverse_all" in body else False
        fail = self.faults.refund_fail > 0
        if fail:
            self.faults.refund_fail -= 1
        pending = fail or self.faults.refund_pending
        refund = {
            "id": new_id("rfnd"),
            "entity": "refund",
            "amount": amount,
            "currency": payment["currency"],
            "payment_id": payment_id,
            "notes": notes,
            "receipt": receipt,
            "acquirer_data": {"arn": None},
            "created_at": self.now(),
            "batch_id": None,
            "status": "pending" if pending else "processed",
            "speed_processed": "normal",
            "speed_requested": speed,
            "_fail": fail,
        }
        self.refunds[refund["id"]] = refund
        payment["amount_refunded"] += amount
        payment["refund_status"] = "full" if payment["amount_refunded"] >= payment["amount"] else "partial"
        if payment["refund_status"] == "full":
            payment["status"] = "refunded"
        if key is not None:
            self.refund_keys[key] = (fingerprint, refund["id"])
        if reverse_all:
            for t in self.transfers.values():
                if (
                    t["source"] == payment_id
                    and t["amount"] > t["amount_reversed"]
                    and t["status"] != "created"
                ):
                    self._reverse(t, t["amount"] - t["amount_reversed"], {})
        events = [self._event("refund.created", refund=refund, payment=payment)]
        if not pending:
            refund["acquirer_data"] = {"arn": _digits(15)}
            events.append(self._event("refund.processed", refund=refund, payment=payment))
        self._emit(*events)
        return render(refund)

    def _settle_pending_refunds(self) -> None:
        for refund in self.refunds.values():
            if refund["status"] != "pending":
                continue
            payment = self.payments[refund["payment_id"]]
            if refund["_fail"]:
                refund["status"] = "failed"
                payment["amount_refunded"] -= refund["amount"]
                payment["refund_status"] = "partial" if payment["amount_refunded"] else None
                payment["status"] = "captured"
                self._emit(self._event("refund.failed", refund=refund, payment=payment))
            else:
                refund["status"] = "processed"
                refund["acquirer_data"] = {"arn": _digits(15)}
                self._emit(self._event("refund.processed", refund=refund, payment=payment))

    def payment_refunds(self, payment_id: str, query: dict[str, str]) -> Entity:
        self.payment(payment_id)
        rows = [r for r in self.refunds.values() if r["payment_id"] == payment_id]
        return collection(self.page(rows, query))

    def payment_refund(self, payment_id: str, refund_id: str) -> Entity:
        self.payment(payment_id)
        refund = self.refund(refund_id)
        if refund["payment_id"] != payment_id:
            raise not_found()
        return render(refund)

    def list_refunds(self, query: dict[str, str]) -> Entity:
        return collection(self.page(list(self.refunds.values()), query))

    # ---- linked accounts ----------------------------------------------------------------------------------

    def create_account(self, body: Entity) -> Entity:
        for field_ in ("email", "phone", "legal_business_name", "business_type", "profile"):
            if not body.get(field_):
                raise invalid(f"The {field_} field is required.", field_)
        if body.get("type", "route") != "route":
            raise invalid("The selected type is invalid.", "type")
        profile = body["profile"]
        if not isinstance(profile, dict):
            raise invalid("The profile must be an array.", "profile")
        for field_ in ("category", "subcategory"):
            if not profile.get(field_):
                raise invalid(f"The profile.{field_} field is required.", f"profile.{field_}")
        if not (profile.get("addresses") or {}).get("registered"):
            raise invalid(
                "The profile.addresses.registered field is required.", "profile.addresses.registered"
            )
        name = str(body["legal_business_name"])
        if not 4 <= len(name) <= 200:
            raise invalid(
                "The legal business name must be between 4 and 200 characters.", "legal_business_name"
            )
        phone = str(body["phone"])
        if not (phone.isdigit() and 8 <= len(phone) <= 15):
            raise invalid("The phone must be between 8 and 15 digits.", "phone")
        for existing in self.accounts.values():
            if existing["email"] == body["email"]:
                raise invalid(f"Merchant email already exists for account - {existing['id'][4:]}", "email")
        account = {
            "id": new_id("acc"),
            "type": "route",
            "status": "created",
            "email": body["email"],
            "profile": copy.deepcopy(profile),
            "notes": as_notes(body.get("notes")),
            "created_at": self.now(),
            "phone": phone,
            "contact_name": body.get("contact_name"),
            "reference_id": body.get("reference_id"),
            "business_type": body["business_type"],
            "legal_business_name": name,
            "customer_facing_business_name": body.get("customer_facing_business_name") or name,
            "legal_info": copy.deepcopy(body.get("legal_info") or {}),
        }
        self.accounts[account["id"]] = account
        return render(account)

    # ---- transfers ----------------------------------------------------------------------------------------

    def _new_transfers(self, source: str, specs: Any, *, limit: int, status: str) -> list[Entity]:
        if not isinstance(specs, list) or not specs:
            raise invalid("The transfers field is required.", "transfers")
        out = []
        total = 0
        for i, spec in enumerate(specs):
            if not isinstance(spec, dict):
                raise invalid(f"The transfers.{i} must be an array.", f"transfers.{i}")
            out.append(self._new_transfer(source, spec, f"transfers.{i}", status))
            total += out[-1]["amount"]
        if total > limit:
            what = "order amount" if source.startswith("order_") else "captured amount"
            raise invalid(f"The sum of amount requested for transfer is greater than the {what}", "amount")
        return out

    def _new_transfer(self, source: str, spec: Entity, where: str, status: str) -> Entity:
        check_fields(
            spec,
            ("account", "amount", "currency", "notes", "linked_account_notes", "on_hold", "on_hold_until"),
        )
        account = spec.get("account")
        if not account:
            raise invalid(f"The {where}.account field is required.", f"{where}.account")
        if not isinstance(account, str) or account not in self.accounts:
            raise invalid(f"{account} is not a valid id", f"{where}.account")
        amount = as_int(spec.get("amount"), f"{where}.amount", required=True)
        assert amount is not None
        if amount < 100:
            raise invalid(f"The {where}.amount must be at least 100.", f"{where}.amount")
        if not spec.get("currency"):
            raise invalid(f"The {where}.currency field is required.", f"{where}.currency")
        if spec["currency"] != "INR":
            raise invalid("The currency should be INR for transfers", f"{where}.currency")
        notes = as_notes(spec.get("notes"), f"{where}.notes")
        la_notes = spec.get("linked_account_notes") or []
        if not isinstance(la_notes, list) or any(k not in notes for k in la_notes):
            raise invalid(
                "Keys sent in linked_account_notes must exist in notes", f"{where}.linked_account_notes"
            )
        on_hold = as_bool(spec["on_hold"], f"{where}.on_hold") if "on_hold" in spec else False
        until = as_int(spec.get("on_hold_until"), f"{where}.on_hold_until")
        if until is not None and not on_hold:
            raise invalid("on_hold_until can be set only when on_hold is true", f"{where}.on_hold_until")
        tid = new_id("trf")
        return {
            "id": tid,
            "entity": "transfer",
            "status": status,
            "source": source,
            "recipient": account,
            "amount": amount,
            "currency": "INR",
            "amount_reversed": 0,
            "fees": 0,
            "tax": 0,
            "notes": notes,
            "linked_account_notes": list(la_notes),
            "on_hold": on_hold,
            "on_hold_until": until,
            "settlement_status": None,
            "recipient_settlement_id": None,
            "created_at": self.now(),
            "processed_at": None,
            "error": {
                "code": None,
                "description": None,
                "reason": None,
                "field": None,
                "step": None,
                "id": tid,
                "source": None,
                "metadata": None,
            },
        }

    def _process_transfer(self, transfer: Entity, payment: Entity | None) -> Entity:
        if self.faults.transfer_fail > 0:
            self.faults.transfer_fail -= 1
            transfer["status"] = "failed"
            transfer["error"].update(
                code="BAD_REQUEST_ERROR",
                description="Transfer failed",
                reason="transfer_failed",
                source="business",
                step="transfer_processing",
            )
            return self._event("transfer.failed", transfer=transfer)
        transfer.update(
            status="processed",
            processed_at=self.now(),
            settlement_status="on_hold" if transfer["on_hold"] else "pending",
        )
        if payment is not None:
            payment["amount_transferred"] += transfer["amount"]
        return self._event("transfer.processed", transfer=transfer)

    def payment_transfer(self, payment_id: str, body: Entity) -> Entity:
        payment = self.payment(payment_id)
        check_fields(body, ("transfers",))
        if payment["status"] not in {"captured", "refunded"} or not payment["captured"]:
            raise invalid(NOT_CAPTURED, "payment_id")
        already = sum(
            t["amount"]
            for t in self.transfers.values()
            if t["source"] == payment_id and t["status"] != "failed"
        )
        new = self._new_transfers(
            payment_id, body.get("transfers"), limit=payment["amount"] - already, status="pending"
        )
        answer = collection(new)  # Razorpay answers with the transfers still `pending`
        events = []
        for t in new:
            self.transfers[t["id"]] = t
            events.append(self._process_transfer(t, payment))
        self._emit(*events)
        return answer

    def direct_transfer(self, body: Entity, key: str | None) -> Entity:
        fingerprint = json.dumps(body, sort_keys=True, default=str)
        if key is not None:
            if not _TRANSFER_KEY.match(key):
                raise na(
                    "The idempotency key must be 4-36 characters long and contain only alphabets, numbers, hyphens, underscores and spaces."
                )
            seen = self.transfer_keys.get(key)
            if seen is not None:
                if seen[0] != fingerprint:
                    raise na("Different request with the same idempotency key has already been processed.")
                return render(self.transfers[seen[1]])
        transfer = self._new_transfer(self.config.account_id, body, "transfer", "pending")
        self.transfers[transfer["id"]] = transfer
        if key is not None:
            self.transfer_keys[key] = (fingerprint, transfer["id"])
        self._emit(self._process_transfer(transfer, None))
        return render(transfer)

    def list_transfers(self, query: dict[str, str]) -> Entity:
        rows = list(self.transfers.values())
        if query.get("recipient_settlement_id"):
            rows = [t for t in rows if t["recipient_settlement_id"] == query["recipient_settlement_id"]]
        return collection(self.page(rows, query))

    def payment_transfers(self, payment_id: str) -> Entity:
        self.payment(payment_id)
        return collection(t for t in reversed(self.transfers.values()) if t["source"] == payment_id)

    def edit_transfer(self, transfer_id: str, body: Entity) -> Entity:
        transfer = self.transfer(transfer_id)
        check_fields(body, ("on_hold", "on_hold_until"))
        if "on_hold" not in body:
            raise invalid("The on_hold field is required.", "on_hold")
        on_hold = as_bool(body["on_hold"], "on_hold")
        until = as_int(body.get("on_hold_until"), "on_hold_until")
        if transfer["settlement_status"] == "settled":
            raise invalid("Settlement hold cannot be modified for a settled transfer", "on_hold")
        transfer["on_hold"] = on_hold
        transfer["on_hold_until"] = until if on_hold else None
        if transfer["status"] != "created":
            transfer["settlement_status"] = "on_hold" if on_hold else "pending"
        return render(transfer)

    def _reverse(self, transfer: Entity, amount: int, notes: dict[str, str]) -> Entity:
        reversal = {
            "id": new_id("rvrsl"),
            "entity": "reversal",
            "transfer_id": transfer["id"],
            "amount": amount,
            "fee": 0,
            "tax": 0,
            "currency": transfer["currency"],
            "notes": notes,
            "initiator_id": self.config.account_id[4:],
            "customer_refund_id": None,
            "utr": None,
            "created_at": self.now(),
        }
        self.reversals[reversal["id"]] = reversal
        transfer["amount_reversed"] += amount
        transfer["status"] = (
            "reversed" if transfer["amount_reversed"] >= transfer["amount"] else "partially_reversed"
        )
        payment = self.payments.get(transfer["source"])
        if payment is not None:
            payment["amount_transferred"] -= amount
        return reversal

    def reverse_transfer(self, transfer_id: str, body: Entity) -> Entity:
        transfer = self.transfer(transfer_id)
        check_fields(body, ("amount", "notes"))
        if transfer["status"] not in {"processed", "partially_reversed"}:
            raise invalid(f"Transfer cannot be reversed in {transfer['status']} state", "id")
        left = transfer["amount"] - transfer["amount_reversed"]
        amount = as_int(body.get("amount"), "amount")
        amount = left if amount is None else amount
        if amount < 1:
            raise invalid("The amount must be at least 1.", "amount")
        if amount > left:
            raise invalid(
                "The reversal amount provided is greater than the amount not yet reversed", "amount"
            )
        return render(self._reverse(transfer, amount, as_notes(body.get("notes"))))

    def transfer_reversals(self, transfer_id: str) -> Entity:
        self.transfer(transfer_id)
        return collection(r for r in self.reversals.values() if r["transfer_id"] == transfer_id)

    def _release_expired_holds(self) -> None:
        now = self.now()
        for t in self.transfers.values():
            if t["on_hold"] and t["on_hold_until"] is not None and t["on_hold_until"] <= now:
                t["on_hold"] = False
                if t["settlement_status"] == "on_hold":
                    t["settlement_status"] = "pending"

    # ---- settlements --------------------------------------------------------------------------------------

    def run_settlements(self) -> list[Entity]:
        """Settle every released, processed transfer: one settlement per linked account, `settlement.processed`."""
        self._release_expired_holds()
        by_account: dict[str, list[Entity]] = {}
        for t in self.transfers.values():
            if (
                t["status"] in {"processed", "partially_reversed"}
                and t["settlement_status"] == "pending"
                and not t["on_hold"]
                and t["recipient"] in self.accounts
            ):
                by_account.setdefault(t["recipient"], []).append(t)
        out = []
        for account_id, transfers in by_account.items():
            amount = sum(t["amount"] - t["amount_reversed"] for t in transfers)
            settlement = {
                "id": new_id("setl"),
                "entity": "settlement",
                "amount": amount,
                "status": "processed",
                "fees": 0,
                "tax": 0,
                "utr": _digits(16),
                "created_at": self.now(),
                "_account": account_id,
            }
            self.settlements[settlement["id"]] = settlement
            for t in transfers:
                t["settlement_status"] = "settled"
                t["recipient_settlement_id"] = settlement["id"]
            self._emit(self._event("settlement.processed", settlement=settlement))
            out.append(
                {
                    "account": account_id,
                    "settlement": render(settlement),
                    "transfers": [t["id"] for t in transfers],
                }
            )
        return out

    def list_settlements(self, query: dict[str, str], account: str | None) -> Entity:
        rows = [s for s in self.settlements.values() if account is None or s["_account"] == account]
        return collection(self.page(rows, query))

    # ---- plans and subscriptions --------------------------------------------------------------------------

    def create_plan(self, body: Entity) -> Entity:
        check_fields(body, ("period", "interval", "item", "notes"))
        period = body.get("period")
        if not period:
            raise invalid("The period field is required.", "period")
        if period not in PERIODS:
            raise invalid("The selected period is invalid.", "period")
        interval = as_int(body.get("interval"), "interval", required=True)
        assert interval is not None
        if interval < 1:
            raise invalid("The interval must be at least 1.", "interval")
        if period == "daily" and interval < 7:
            raise invalid("The interval must be at least 7 for a daily plan.", "interval")
        item = body.get("item")
        if not isinstance(item, dict):
            raise invalid("The item field is required.", "item")
        if not item.get("name"):
            raise invalid("The item.name field is required.", "item.name")
        amount = as_int(item.get("amount"), "item.amount", required=True, label="item.amount")
        assert amount is not None
        if amount < 100:
            raise invalid("The item.amount must be at least 100.", "item.amount")
        currency = item.get("currency") or "INR"
        if currency != "INR":
            raise invalid("The selected item.currency is invalid.", "item.currency")
        now = self.now()
        plan = {
            "id": new_id("plan"),
            "entity": "plan",
            "interval": interval,
            "period": period,
            "item": {
                "id": new_id("item"),
                "active": True,
                "name": item["name"],
                "description": item.get("description"),
                "amount": amount,
                "unit_amount": amount,
                "currency": currency,
                "type": "plan",
                "unit": None,
                "tax_inclusive": False,
                "hsn_code": None,
                "sac_code": None,
                "tax_rate": None,
                "tax_id": None,
                "tax_group_id": None,
                "created_at": now,
                "updated_at": now,
            },
            "notes": as_notes(body.get("notes")),
            "created_at": now,
        }
        self.plans[plan["id"]] = plan
        return render(plan)

    def list_plans(self, query: dict[str, str]) -> Entity:
        return collection(self.page(list(self.plans.values()), query))

    def create_subscription(self, body: Entity) -> Entity:
        check_fields(
            body,
            (
                "plan_id",
                "total_count",
                "quantity",
                "customer_notify",
                "start_at",
                "expire_by",
                "addons",
                "offer_id",
                "notes",
                "notify_info",
            ),
        )
        plan_id = body.get("plan_id")
        if not plan_id:
            raise invalid("The plan id field is required.", "plan_id")
        plan = self.plan(plan_id)
        total = as_int(body.get("total_count"), "total_count", required=True, label="total count")
        assert total is not None
        if total < 1:
            raise invalid("The total count must be at least 1.", "total_count")
        quantity = as_int(body.get("quantity"), "quantity") or 1
        notify = as_bool(body["customer_notify"], "customer_notify") if "customer_notify" in body else True
        start_at = as_int(body.get("start_at"), "start_at")
        now = self.now()
        if start_at is not None and start_at < now:
            raise invalid("start_at cannot be lesser than the current time", "start_at")
        expire_by = as_int(body.get("expire_by"), "expire_by")
        sub_id = new_id("sub")
        sub = {
            "id": sub_id,
            "entity": "subscription",
            "plan_id": plan["id"],
            "customer_id": None,
            "status": "created",
            "current_start": None,
            "current_end": None,
            "ended_at": None,
            "quantity": quantity,
            "notes": as_notes(body.get("notes")),
            "charge_at": start_at,
            "start_at": start_at,
            "end_at": None,
            "auth_attempts": 0,
            "total_count": total,
            "paid_count": 0,
            "customer_notify": notify,
            "created_at": now,
            "expire_by": expire_by,
            "short_url": f"{self.config.public_url}/subscriptions/{sub_id}",
            "has_scheduled_changes": False,
            "change_scheduled_at": None,
            "source": "api",
            "offer_id": body.get("offer_id"),
            "remaining_count": total,
            "_cancel_at_cycle_end": False,
        }
        self.subscriptions[sub_id] = sub
        return render(sub)

    def list_subscriptions(self, query: dict[str, str]) -> Entity:
        rows = list(self.subscriptions.values())
        if query.get("plan_id"):
            rows = [s for s in rows if s["plan_id"] == query["plan_id"]]
        return collection(self.page(rows, query))

    def _charge(self, sub: Entity, details: Entity) -> Entity:
        """A successful charge of one billing cycle: an invoice's order and a captured payment."""
        plan = self.plans[sub["plan_id"]]
        amount = plan["item"]["amount"] * sub["quantity"]
        order = {
            "id": new_id("order"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": "INR",
            "receipt": None,
            "offer_id": None,
            "status": "attempted",
            "attempts": 1,
            "notes": {},
            "created_at": self.now(),
            "_auto_capture": True,
            "_partial_payment": False,
        }
        self.orders[order["id"]] = order
        payment = self._new_payment(
            amount,
            details.get("method") or "card",
            order_id=order["id"],
            details={
                **details,
                "invoice_id": new_id("inv"),
                "customer_id": sub["customer_id"],
                "description": plan["item"]["name"],
            },
        )
        payment["status"] = "authorized"
        fee, tax = _fee(amount)
        payment.update(status="captured", captured=True, fee=fee, tax=tax)
        order.update(amount_paid=amount, amount_due=0, status="paid")
        return payment

    def authenticate_subscription(self, sub_id: str, body: Entity) -> tuple[int, Entity]:
        sub = self.subscription(sub_id)
        if sub["status"] != "created":
            raise invalid(f"Subscription cannot be authenticated in {sub['status']} status.", "status")
        outcome = body.get("outcome") or "success"
        method = body.get("method") or "card"
        if method not in METHODS:
            raise invalid("Invalid payment method", "method")
        if outcome == "failure":
            plan = self.plans[sub["plan_id"]]
            payment = self._new_payment(plan["item"]["amount"], method, order_id=None, details=body)
            sub["auth_attempts"] += 1
            error = self._fail(payment, body.get("error_reason"))
            self._emit(self._event("payment.failed", payment=payment))
            return 400, error
        sub["customer_id"] = sub["customer_id"] or new_id("cust")
        now = self.now()
        events: list[Entity] = []
        if sub["start_at"] is not None and sub["start_at"] > now:
            # A future start: the mandate is authorised with a token amount that is refunded at once.
            payment = self._new_payment(500, method, order_id=None, details=body)
            fee, tax = _fee(500)
            payment.update(
                status="refunded", captured=True, fee=fee, tax=tax, amount_refunded=500, refund_status="full"
            )
            sub.update(status="authenticated", charge_at=sub["start_at"])
            events.append(self._event("subscription.authenticated", subscription=sub, payment=payment))
        else:
            payment = self._charge(sub, {**body, "method": method})
            events.append(
                self._event(
                    "payment.authorized",
                    payment={**payment, "status": "authorized", "captured": False, "fee": None, "tax": None},
                )
            )
            events.append(self._event("payment.captured", payment=payment))
            sub["start_at"] = now
            events.append(
                self._event(
                    "subscription.authenticated",
                    subscription={**sub, "status": "authenticated"},
                    payment=payment,
                )
            )
            events += self._after_charge(sub, payment, due=now, was="authenticated")
        self._emit(*events)
        return 200, {
            "razorpay_payment_id": payment["id"],
            "razorpay_subscription_id": sub_id,
            "razorpay_signature": signature(f"{payment['id']}|{sub_id}", self.config.key_secret),
        }

    def _after_charge(self, sub: Entity, payment: Entity, *, due: int, was: str) -> list[Entity]:
        plan = self.plans[sub["plan_id"]]
        sub["paid_count"] += 1
        sub["remaining_count"] = sub["total_count"] - sub["paid_count"]
        sub["auth_attempts"] = 0
        sub["current_start"] = due
        sub["current_end"] = add_period(due, plan["period"], plan["interval"])
        if sub["end_at"] is None:
            end = due
            for _ in range(sub["total_count"]):
                end = add_period(end, plan["period"], plan["interval"])
            sub["end_at"] = end
        events = []
        sub["status"] = "active"
        sub["charge_at"] = sub["current_end"]
        if was in {"authenticated", "pending", "halted"}:
            events.append(self._event("subscription.activated", subscription=sub, payment=payment))
        events.append(self._event("subscription.charged", subscription=sub, payment=payment))
        if sub["remaining_count"] <= 0:
            sub.update(status="completed", charge_at=None, ended_at=self.now())
            events.append(self._event("subscription.completed", subscription=sub, payment=payment))
        return events

    def _charge_due_subscriptions(self) -> None:
        for _ in range(10_000):  # a long clock jump charges every cycle it passes, one at a time
            now = self.now()
            due = [
                s
                for s in self.subscriptions.values()
                if s["status"] in {"authenticated", "active", "pending"}
                and s["charge_at"] is not None
                and s["charge_at"] <= now
            ]
            if not due:
                return
            for sub in sorted(due, key=lambda s: s["charge_at"]):
                self._charge_once(sub)

    def _charge_once(self, sub: Entity) -> None:
        due = sub["charge_at"]
        was = sub["status"]
        if sub["_cancel_at_cycle_end"]:
            sub.update(status="cancelled", charge_at=None, ended_at=due)
            self._emit(self._event("subscription.cancelled", subscription=sub))
            return
        if self.faults.charge_fail > 0:
            self.faults.charge_fail -= 1
            plan = self.plans[sub["plan_id"]]
            payment = self._new_payment(
                plan["item"]["amount"] * sub["quantity"],
                "card",
                order_id=None,
                details={"customer_id": sub["customer_id"], "invoice_id": new_id("inv")},
            )
            self._fail(payment, "payment_failed")
            sub["auth_attempts"] += 1
            events = [self._event("payment.failed", payment=payment)]
            if sub["auth_attempts"] > self.config.subscription_retries:
                sub.update(status="halted", charge_at=None)
                events.append(self._event("subscription.halted", subscription=sub, payment=payment))
            else:
                sub["charge_at"] = due + self.config.subscription_retry_seconds
                if was != "pending":
                    sub["status"] = "pending"
                    events.append(self._event("subscription.pending", subscription=sub, payment=payment))
            self._emit(*events)
            return
        payment = self._charge(sub, {"method": "card"})
        events = [self._event("payment.captured", payment=payment)]
        # A retry that succeeds pays the cycle that was due; the next cycle starts from the original schedule.
        cycle_start = sub["current_end"] if sub["current_end"] is not None and was == "pending" else due
        events += self._after_charge(sub, payment, due=cycle_start, was=was)
        self._emit(*events)

    def cancel_subscription(self, sub_id: str, body: Entity) -> Entity:
        sub = self.subscription(sub_id)
        check_fields(body, ("cancel_at_cycle_end",))
        at_end = (
            as_bool(body["cancel_at_cycle_end"], "cancel_at_cycle_end")
            if "cancel_at_cycle_end" in body
            else False
        )
        if sub["status"] not in {"created", "authenticated", "active", "pending", "halted"}:
            raise invalid(f"Subscription is not cancellable in {sub['status']} status.", "status")
        if at_end and sub["status"] == "active":
            sub["_cancel_at_cycle_end"] = True
            sub["has_scheduled_changes"] = True
            sub["change_scheduled_at"] = sub["current_end"]
            return render(sub)
        sub.update(status="cancelled", charge_at=None, ended_at=self.now())
        self._emit(self._event("subscription.cancelled", subscription=sub))
        return render(sub)

    # ---- time ---------------------------------------------------------------------------------------------

    def run_due(self) -> None:
        """What time makes happen: holds expire, pending refunds settle, renewals are charged."""
        self._release_expired_holds()
        self._settle_pending_refunds()
        self._charge_due_subscriptions()

    def advance(self, seconds: float) -> int:
        self.clock_offset += seconds
        self.run_due()
        return self.now()
