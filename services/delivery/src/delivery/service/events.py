"""Staging delivery events: each goes to the outbox in the same transaction as the change that caused it."""

from __future__ import annotations

from typing import Any

from webdpro_events import UnitOfWork, new_event

# The fields every assignment event carries (snake_case; consumers ignore what they do not know). The orders
# service reads `order_id`, `tenant_id` (and `reason` on delivery.failed); payments reads cod.collected.
_BASE = ("assignment_id", "order_id", "store_id", "tenant_id", "agent_id")


def assignment_data(assignment: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {k: assignment[k] for k in _BASE}
    data.update({k: v for k, v in extra.items() if v is not None})
    return data


def emit(uow: UnitOfWork, event_type: str, tenant_id: str, data: dict[str, Any]) -> None:
    uow.emit(new_event(event_type, data, tenant_id=tenant_id, source="delivery"))
