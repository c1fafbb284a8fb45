"""The admin consumes EVERY event (its queue has no filter): each one, whatever its type, becomes an audit row
and feeds the read models — through the runtime's default handler, so there is no list of types to keep.

Idempotent twice over: the reporting database's audit row is unique by event id (a replay adds nothing and
counts nothing), and the runtime's processed marker skips a redelivery before it reaches the database."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from admin.service import audit
from admin.service.deps import Deps
from webdpro_events import Envelope, Handler, UnitOfWork
from webdpro_observability import get_logger

log = get_logger(__name__)


def handlers(get_deps: Callable[[], Deps]) -> dict[str, Handler]:
    """No type needs its own handler: `audit_everything` takes them all."""
    return {}


def audit_everything(get_deps: Callable[[], Deps]) -> Handler:
    async def on_event(event: Envelope, _uow: UnitOfWork) -> None:
        new = await audit.ingest(get_deps(), msgspec.structs.asdict(event))
        if not new:
            log.info("admin.audit_duplicate", event_id=event.id)

    return on_event
