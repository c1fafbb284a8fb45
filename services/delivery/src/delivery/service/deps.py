"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

from delivery.adapters.media import ProofPhotos
from delivery.adapters.repository import DeliveryRepository
from delivery.service.location import PositionBuffer
from delivery.settings import DeliverySettings
from webdpro_events import Outbox


@dataclass
class Deps:
    settings: DeliverySettings
    repo: DeliveryRepository
    outbox: Outbox
    photos: ProofPhotos
    # The orders service's key for hashing a customer's verified phone (Secrets Manager `orders/customer-key`):
    # the same hash it puts in its events, so a customer's token finds their order here.
    phone_key: bytes
    # The location buffer (positions and trail points, written every `location_flush_seconds`).
    positions: PositionBuffer
