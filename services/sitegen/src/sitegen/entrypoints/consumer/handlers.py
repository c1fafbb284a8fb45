"""Events sitegen consumes (its queue in deploy/resources.toml). Each handler is idempotent: the consumer skips an
event id it processed, and the writes below are conditional, so a redelivery changes nothing.

- payments `publish.paid` / `domain.paid` → the publication PAID, and its saga starts at once in the background
  (no polling delay: payment captured → live in seconds). A second event for the same payment only nudges a
  runner, which finds the lease taken or the publication done and returns;
- payments `platform_payment.refunded` → the refund recorded on the publication, the merchant told;
- admin `store.suspended` / `store.unsuspended` / `store.deleted` → service/suspension.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sitegen.service import publish, saga, suspension
from sitegen.service.deps import Deps
from webdpro_events import Envelope, Handler, UnitOfWork


def _data(event: Envelope) -> dict[str, Any]:
    return {**event.data, "tenant_id": event.data.get("tenant_id") or event.tenant_id}


def handlers(get_deps: Callable[[], Deps], start: Callable[[Any], None]) -> dict[str, Handler]:
    """`start` runs a coroutine in the background (the saga outlives the message)."""

    async def on_paid(event: Envelope, _uow: UnitOfWork) -> None:
        deps = get_deps()
        pub = await publish.mark_paid(deps, _data(event))
        if pub is not None:
            start(saga.run(deps, pub["tenant_id"], pub["store_id"], pub["publication_id"]))

    async def on_refunded(event: Envelope, _uow: UnitOfWork) -> None:
        await publish.record_refund(get_deps(), _data(event))

    return {
        **suspension.handlers(get_deps),
        "publish.paid": on_paid,
        "domain.paid": on_paid,
        "platform_payment.refunded": on_refunded,
    }
