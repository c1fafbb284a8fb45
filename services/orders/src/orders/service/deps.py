"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

from orders.adapters.catalog import CatalogClient
from orders.adapters.hub import StoreHub
from orders.adapters.payments import PaymentsClient
from orders.adapters.repository import OrdersRepository
from orders.domain.pricing import FeeRule
from orders.settings import OrdersSettings
from webdpro_events import Outbox


@dataclass
class Deps:
    settings: OrdersSettings
    repo: OrdersRepository
    catalog: CatalogClient
    outbox: Outbox
    hub: StoreHub
    phone_key: bytes
    payments: PaymentsClient

    @property
    def fee_rule(self) -> FeeRule:
        return FeeRule(self.settings.delivery_fee_paise, self.settings.free_delivery_from_paise)
