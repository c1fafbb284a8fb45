"""What agents, merchants and customers read.

- An agent sees their own assignments only, with what to collect; never the customer's delivery code.
- A merchant sees their own stores' deliveries, their agents (shift, active deliveries, last position, cash they
  recorded) and a day's cash-on-delivery reconciliation per agent.
- A customer sees their own order's delivery: the code to give the agent, the agent's first name and a masked
  number, and the agent's position only while the order is out for delivery.
"""

from __future__ import annotations

from typing import Any

from delivery.domain.agents import mask_phone
from delivery.domain.assignment import State, open_for_agent
from delivery.domain.customer import phone_hash
from delivery.domain.store import day_of, parse_day
from delivery.service import stores
from delivery.service.actions import assignment_not_found, mine
from delivery.service.agents import me, merchant_agent
from delivery.service.deps import Deps
from delivery.service.orders import order_not_found
from webdpro_core import clock
from webdpro_core.errors import Forbidden
from webdpro_tenancy import Caller


def _position(pos: dict[str, Any] | None) -> dict[str, Any] | None:
    if not pos or not pos.get("at"):
        return None
    return {k: pos.get(k) for k in ("lat", "lng", "accuracy", "heading", "at")}


def _collect(a: dict[str, Any]) -> int:
    if a.get("payment_method") == "COD" and a.get("cash_collected_at") is None:
        return int(a.get("due_paise") or 0)
    return 0


# --- the agent ------------------------------------------------------------------------------------------
async def _agent_view(deps: Deps, a: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    order = await deps.repo.get_order(a["tenant_id"], a["order_id"]) or {}
    if a["store_id"] not in names:
        store = await deps.repo.get_store(a["tenant_id"], a["store_id"]) or {}
        names[a["store_id"]] = store.get("name") or a["store_id"]
    return {
        **{
            k: a.get(k)
            for k in (
                "assignment_id",
                "order_id",
                "store_id",
                "status",
                "payment_method",
                "amount_paise",
                "cash_collected_paise",
                "assigned_at",
                "picked_at",
                "delivered_at",
                "failed_at",
                "reason",
                "proof",
            )
        },
        "store_name": names[a["store_id"]],
        "collect_paise": _collect(a),
        "items": order.get("items") or [],
        "delivery_address": order.get("delivery_address"),
        "open": open_for_agent(a),
    }


async def my_assignments(
    deps: Deps, caller: Caller, open_: bool, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    agent = await me(deps, caller)
    items, nxt = await deps.repo.agent_assignments(
        agent["tenant_id"], agent["agent_id"], open_, limit, cursor
    )
    names: dict[str, str] = {}
    return [await _agent_view(deps, a, names) for a in items], nxt


async def my_assignment(deps: Deps, caller: Caller, assignment_id: str) -> dict[str, Any]:
    return await _agent_view(deps, await mine(deps, caller, assignment_id), {})


async def agent_view(deps: Deps, a: dict[str, Any]) -> dict[str, Any]:
    return await _agent_view(deps, a, {})


# --- the merchant ---------------------------------------------------------------------------------------
_MERCHANT_FIELDS = (
    "assignment_id",
    "order_id",
    "store_id",
    "agent_id",
    "agent_name",
    "status",
    "auto",
    "payment_method",
    "amount_paise",
    "due_paise",
    "cash_collected_paise",
    "discrepancy_paise",
    "agent_cut_paise",
    "proof",
    "reason",
    "assigned_at",
    "picked_at",
    "delivered_at",
    "failed_at",
    "cash_collected_at",
    "previous_assignment_id",
)


def merchant_view(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a.get(k) for k in _MERCHANT_FIELDS}


async def store_deliveries(
    deps: Deps, tenant_id: str, store_id: str, status: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    await stores.merchant_store(deps, tenant_id, store_id)
    items, nxt = await deps.repo.store_assignments(tenant_id, store_id, status, limit, cursor)
    return [merchant_view(a) for a in items], nxt


async def delivery(deps: Deps, tenant_id: str, assignment_id: str) -> dict[str, Any]:
    """One delivery with its trail (the agent's sampled points from pick-up to the end) and a link to the photo."""
    a = await deps.repo.get_assignment(tenant_id, assignment_id)
    if a is None:
        raise assignment_not_found()
    view = merchant_view(a)
    trail: list[dict[str, Any]] = []
    if a.get("picked_at"):
        until = a.get("ended_at") or clock.iso()
        points = await deps.repo.trail(tenant_id, a["agent_id"], a["picked_at"], until)
        trail = [{k: p.get(k) for k in ("lat", "lng", "accuracy", "heading", "at")} for p in points]
    view["trail"] = trail
    view["proof_url"] = (
        await deps.photos.view_url(a["proof_key"], deps.settings.proof_view_seconds)
        if a.get("proof_key")
        else None
    )
    return view


async def agents(deps: Deps, tenant_id: str) -> list[dict[str, Any]]:
    """Every agent of the merchant: shift, active deliveries, last position, cash they recorded (all time and
    today). Cash in hand net of hand-overs to the merchant is the payments ledger's (its hand-over route)."""
    found, positions = await deps.repo.agents_and_positions(tenant_id)
    today = await deps.repo.cod_lines(tenant_id, day_of(clock.now()))
    out = []
    for agent in sorted(
        found, key=lambda a: (a.get("status") != "active", a.get("name") or "", a["agent_id"])
    ):
        mine_today = [line for line in today if line["agent_id"] == agent["agent_id"]]
        out.append(
            {
                "agent_id": agent["agent_id"],
                "name": agent.get("name"),
                "phone": agent.get("phone"),
                "status": agent.get("status"),
                "on_shift": bool(agent.get("on_shift")) and agent.get("status") == "active",
                "active_deliveries": max(0, int(agent.get("active") or 0)),
                "last_position": _position(positions.get(agent["agent_id"])),
                "cash_collected_paise": int(agent.get("cash_collected_paise") or 0),
                "cod_today": _totals(mine_today),
            }
        )
    return out


def _totals(lines: list[dict[str, Any]]) -> dict[str, int]:
    collected = [line for line in lines if line.get("collected_paise") is not None]
    return {
        "orders": len(lines),
        "due_paise": sum(int(line["due_paise"]) for line in lines),
        "collected_paise": sum(int(line["collected_paise"]) for line in collected),
        "discrepancy_paise": sum(int(line.get("discrepancy_paise") or 0) for line in collected),
        "pending_paise": sum(int(line["due_paise"]) for line in lines if line.get("collected_paise") is None),
    }


_LINE_FIELDS = (
    "order_id",
    "store_id",
    "assignment_id",
    "due_paise",
    "collected_paise",
    "discrepancy_paise",
    "delivered_at",
    "collected_at",
)


async def agent_reconciliation(deps: Deps, tenant_id: str, agent_id: str, day: str | None) -> dict[str, Any]:
    agent = await merchant_agent(deps, tenant_id, agent_id)
    date = parse_day(day, clock.now())
    lines = await deps.repo.cod_lines(tenant_id, date, agent_id)
    return {
        "date": date,
        "agent_id": agent_id,
        "name": agent.get("name"),
        **_totals(lines),
        "lines": [{k: line.get(k) for k in _LINE_FIELDS} for line in lines],
    }


async def reconciliation(deps: Deps, tenant_id: str, day: str | None) -> dict[str, Any]:
    date = parse_day(day, clock.now())
    lines = await deps.repo.cod_lines(tenant_id, date)
    found, _ = await deps.repo.agents_and_positions(tenant_id)
    names = {a["agent_id"]: a.get("name") for a in found}
    per_agent: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        per_agent.setdefault(line["agent_id"], []).append(line)
    return {
        "date": date,
        **_totals(lines),
        "agents": [
            {"agent_id": aid, "name": names.get(aid), **_totals(rows)}
            for aid, rows in sorted(per_agent.items())
        ],
    }


# --- the customer ---------------------------------------------------------------------------------------
_TRACK_STATUS = {
    State.ASSIGNED: "AGENT_ASSIGNED",
    State.PICKED_UP: "OUT_FOR_DELIVERY",
    State.DELIVERED: "DELIVERED",
    State.FAILED: "DELIVERY_FAILED",
}


async def track(deps: Deps, caller: Caller, order_id: str) -> dict[str, Any]:
    if not caller.phone_number:
        raise Forbidden("A verified mobile number is required", code="PHONE_REQUIRED")
    order = await deps.repo.customer_order(phone_hash(deps.phone_key, caller.phone_number), order_id)
    if order is None:
        raise order_not_found()
    tenant = order["tenant_id"]
    a = await deps.repo.get_assignment(tenant, order["assignment_id"]) if order.get("assignment_id") else None
    store = await deps.repo.get_store(tenant, order["store_id"]) or {}
    if a is not None and a["status"] in _TRACK_STATUS:
        status = _TRACK_STATUS[State(a["status"])]
    elif order.get("order_status") in ("CANCELLED", "DELIVERED"):
        status = order["order_status"]
    else:
        status = "AWAITING_AGENT"
    finished = status in ("DELIVERED", "CANCELLED")
    agent = None
    position = None
    if a is not None and a["status"] in (State.ASSIGNED, State.PICKED_UP):
        record = await deps.repo.get_agent(tenant, a["agent_id"]) or {}
        first_name = (record.get("name") or a.get("agent_name") or "").split(" ")[0] or None
        agent = {"name": first_name, "phone_masked": mask_phone(record.get("phone"))}
        if a["status"] == State.PICKED_UP:
            position = _position(await deps.repo.get_position(tenant, a["agent_id"]))
    return {
        "order_id": order["order_id"],
        "store_id": order["store_id"],
        "store_name": store.get("name") or order["store_id"],
        "status": status,
        "delivery_code": None if finished else order.get("delivery_code"),
        "agent": agent,
        "agent_position": position,
        "delivered_at": a.get("delivered_at") if a is not None else None,
        "proof": a.get("proof") if a is not None and a["status"] == State.DELIVERED else None,
    }
