"""The location buffer with an in-memory repository: one write per agent per flush (the newest point), nothing
older than what was written, trail samples, removed agents dropped, failed writes kept for the next flush."""

from datetime import timedelta

import pytest

from delivery.domain.location import Fix
from delivery.service.location import PositionBuffer, ingest
from delivery.settings import DeliverySettings
from webdpro_core import clock
from webdpro_core.errors import Forbidden
from webdpro_tenancy import Caller


class FakeRepo:
    def __init__(self) -> None:
        self.statuses = {"t1": {"a1": "active", "a2": "active", "gone": "removed"}}
        self.positions: dict[tuple[str, str], dict] = {}
        self.trail: list[tuple[str, str, dict]] = []
        self.calls = 0
        self.fail = False
        self.status_queries = 0

    async def agent_statuses(self, tenant_id: str) -> dict[str, str]:
        self.status_queries += 1
        return dict(self.statuses.get(tenant_id, {}))

    async def write_positions(self, positions, trail, ttl) -> None:
        self.calls += 1
        if self.fail:
            raise RuntimeError("database down")
        for t, a, p in positions:
            self.positions[(t, a)] = p
        self.trail.extend(trail)


def fixes(*seconds_ago: float, lat: float = 19.0) -> list[Fix]:
    now = clock.now()
    return sorted(
        (Fix(lat + i / 1000, 72.0, 5.0, now - timedelta(seconds=s)) for i, s in enumerate(seconds_ago)),
        key=lambda f: f.epoch,
    )


@pytest.fixture
def buffer():
    return PositionBuffer(FakeRepo(), DeliverySettings())


def agent(sub: str = "a1") -> Caller:
    return Caller(sub=sub, groups=("DELIVERY_AGENT",), tenant_id="t1")


async def test_one_write_per_agent_per_flush_with_the_newest_point(buffer):
    sent = [(await ingest(buffer, agent(), fixes(s)))["position_at"] for s in (30, 20, 10, 40)]
    await ingest(buffer, agent("a2"), fixes(5))
    assert await buffer.flush() == 2 and buffer.repo.calls == 1
    assert buffer.repo.positions[("t1", "a1")]["at"] == sent[2] == max(sent)  # the point sent 10 s ago
    # A point older than the one written is not written again; a newer one is.
    await ingest(buffer, agent(), fixes(15))
    assert await buffer.flush() == 0
    await ingest(buffer, agent(), fixes(1))
    assert await buffer.flush() == 1
    calls = buffer.repo.calls
    assert await buffer.flush() == 0 and buffer.repo.calls == calls  # nothing new: no call


async def test_trail_is_sampled_and_a_catch_up_batch_fills_an_earlier_stretch(buffer):
    await ingest(buffer, agent(), fixes(*range(60, -1, -2)))  # a point every 2 s for a minute
    await buffer.flush()
    first = len(buffer.repo.trail)
    assert 4 <= first <= 5
    await ingest(buffer, agent(), fixes(*range(300, 200, -2)))  # an older stretch, sent late
    await buffer.flush()
    assert len(buffer.repo.trail) > first


async def test_removed_unknown_and_no_tenant_are_refused(buffer):
    with pytest.raises(Forbidden) as err:
        await ingest(buffer, agent("gone"), fixes(1))
    assert err.value.code == "AGENT_REMOVED"
    with pytest.raises(Forbidden) as err:
        await ingest(buffer, agent("stranger"), fixes(1))
    assert err.value.code == "AGENT_UNKNOWN"
    with pytest.raises(Forbidden):
        await ingest(buffer, Caller(sub="a1", groups=("DELIVERY_AGENT",)), fixes(1))


async def test_removal_seen_at_flush_drops_the_points(buffer):
    await ingest(buffer, agent(), fixes(3))
    buffer.repo.statuses["t1"]["a1"] = "removed"
    buffer.snapshots.clear()  # as if the snapshot had aged past agent_status_ttl_seconds
    assert await buffer.flush() == 0 and buffer.repo.positions == {}


async def test_a_failed_write_keeps_the_points_for_the_next_flush(buffer):
    await ingest(buffer, agent(), fixes(3))
    buffer.repo.fail = True
    assert await buffer.flush() == 0
    buffer.repo.fail = False
    assert await buffer.flush() == 1 and ("t1", "a1") in buffer.repo.positions


async def test_the_snapshot_is_one_query_per_merchant(buffer):
    for _ in range(50):
        await ingest(buffer, agent(), fixes(1))
    assert buffer.repo.status_queries == 1
