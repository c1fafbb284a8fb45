"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

from dataclasses import dataclass, field

from admin.adapters.reporting import Reporting
from admin.domain.pricing import Price, parse_prices
from admin.settings import AdminSettings
from webdpro_events import Outbox


@dataclass
class Deps:
    settings: AdminSettings
    reporting: Reporting
    outbox: Outbox
    prices: dict[str, Price] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.prices:
            self.prices = parse_prices(self.settings.ai_prices)
