"""Cash on delivery: `cod.collected` from delivery, and the agent's cash hand-over to the merchant."""

from __future__ import annotations

from typing import Any

from payments.domain import cod
from payments.domain.ledger import Account, account, normal
from payments.domain.splits import split
from payments.service.common import emit
from payments.service.deps import Deps
from webdpro_aws.dynamo import TransactionCancelled
from webdpro_core import clock, ids
from webdpro_core.errors import Conflict, ValidationProblem
from webdpro_events import UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


async def collected(deps: Deps, uow: UnitOfWork, tenant_id: str, data: dict[str, Any]) -> str:
    """Book the collection in the consumer's unit of work (once per order: the entry key is the order id)."""
    order_id, agent_id = str(data["order_id"]), str(data.get("agent_id") or "unknown")
    if await deps.repo.has_entry(tenant_id, "COD_COLLECTED", order_id):
        return "already"
    merchant = await deps.repo.merchant(tenant_id)
    got = int(data["amount_paise"])
    due = int(data.get("due_paise") or got)
    bps = deps.bps_for(merchant.get("plan"))
    cut = int(data["delivery_cut_paise"]) if data.get("delivery_cut_paise") is not None else None
    if cut is not None:
        # The store's agent cut (delivery's setting) cannot eat into the platform's: clamp, and say so.
        room = due - split(due, bps).platform_paise
        if not 0 <= cut <= room:
            log.warning("cod.delivery_cut_clamped", order_id=order_id, asked=cut, allowed=room)
            cut = min(max(cut, 0), room)
    out = cod.collected(
        order_id=order_id,
        agent_id=agent_id,
        collected_paise=got,
        due_paise=due,
        platform_bps=bps,
        delivery_bps=deps.settings.cod_delivery_cut_bps,
        delivery_cut_paise=cut,
    )
    deps.repo.post(uow.tx, tenant_id, [out.entry])
    common = {
        "order_id": order_id,
        "store_id": data.get("store_id"),
        "tenant_id": tenant_id,
        "agent_id": agent_id,
        "collected_paise": got,
        "due_paise": due,
    }
    if out.mismatch:
        deps.repo.put_flag(
            uow.tx,
            tenant_id,
            {**common, "difference_paise": out.difference_paise, "kind": "COD_MISMATCH", "at": clock.iso()},
        )
        emit(uow, "cod.mismatch_flagged", tenant_id, {**common, "difference_paise": out.difference_paise})
        log.warning("cod.mismatch", order_id=order_id, difference=out.difference_paise)
    emit(
        uow,
        "ledger.entry_recorded",
        tenant_id,
        {
            **common,
            "kind": "COD_COLLECTED",
            "merchant_share_paise": out.split.merchant_paise,
            "platform_cut_paise": out.split.platform_paise,
            "delivery_cut_paise": out.split.delivery_paise,
            "difference_paise": out.difference_paise,
        },
    )
    return "mismatch" if out.mismatch else "recorded"


async def agent_position(deps: Deps, tenant_id: str, agent_id: str) -> dict[str, int]:
    balances = await deps.repo.balances(tenant_id)
    cash_name = account(Account.AGENT_CASH, agent_id)
    cut_name = account(Account.DELIVERY_CUT, agent_id)
    cash = normal(cash_name, balances.get(cash_name, 0))
    cut = normal(cut_name, balances.get(cut_name, 0))
    return {"cashInHandPaise": cash, "deliveryCutOwedPaise": cut, "expectedHandoverPaise": max(0, cash - cut)}


async def handover(
    deps: Deps, tenant_id: str, agent_id: str, amount: int, kept: int, key: str | None, note: str | None
) -> dict[str, Any]:
    ref = f"{agent_id}-{key}" if key else ids.new_id("hnd")
    if key and await deps.repo.has_entry(tenant_id, "CASH_HANDOVER", ref):
        return {
            "handoverId": ref,
            "agentId": agent_id,
            "replayed": True,
            **await agent_position(deps, tenant_id, agent_id),
        }
    if amount + kept <= 0:
        raise ValidationProblem(
            "A hand-over moves a positive amount", code="AMOUNT_INVALID", field="amountPaise"
        )
    e = cod.handover(ref=ref, agent_id=agent_id, amount_paise=amount, kept_cut_paise=kept)
    e.meta["note"] = (note or "")[:200]
    uow = deps.outbox.begin()
    deps.repo.post(uow.tx, tenant_id, [e])
    emit(
        uow,
        "ledger.entry_recorded",
        tenant_id,
        {
            "tenant_id": tenant_id,
            "agent_id": agent_id,
            "kind": "CASH_HANDOVER",
            "amount_paise": amount,
            "kept_delivery_cut_paise": kept,
            "ref": ref,
        },
    )
    try:
        await uow.commit()
    except TransactionCancelled as exc:
        if key and await deps.repo.has_entry(tenant_id, "CASH_HANDOVER", ref):
            return {
                "handoverId": ref,
                "agentId": agent_id,
                "replayed": True,
                **await agent_position(deps, tenant_id, agent_id),
            }
        pos = await agent_position(deps, tenant_id, agent_id)
        raise Conflict(
            f"The agent holds {pos['cashInHandPaise']} paise and is owed {pos['deliveryCutOwedPaise']} paise of "
            "delivery cut; the hand-over is more than that",
            code="HANDOVER_EXCEEDS_CASH",
            field="amountPaise",
        ) from exc
    return {
        "handoverId": ref,
        "agentId": agent_id,
        "replayed": False,
        **await agent_position(deps, tenant_id, agent_id),
    }
