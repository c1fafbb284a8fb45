"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from catalog.adapters.media import Media
from catalog.adapters.repository import CatalogRepository
from catalog.settings import CatalogSettings
from webdpro_aws.messaging import Notifier
from webdpro_core import clock
from webdpro_events import Outbox


@dataclass
class Deps:
    settings: CatalogSettings
    repo: CatalogRepository
    outbox: Outbox
    notifier: Notifier
    media: Media
    now: Callable[[], datetime] = clock.now  # tests move time by replacing this
    cache: dict = field(default_factory=dict)  # the public storefront's page cache
