"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitegen.adapters.dns_cdn import DnsCdn
from sitegen.adapters.registrar import RegistrarClient
from sitegen.adapters.repository import SitegenRepository
from sitegen.adapters.storage import SiteStorage
from sitegen.settings import SitegenSettings
from webdpro_events import Outbox


@dataclass
class Deps:
    settings: SitegenSettings
    repo: SitegenRepository
    storage: SiteStorage
    outbox: Outbox
    text_models: Any | None  # TextModelChain, or None: the offline generator alone
    image_models: Any | None  # ImageModelChain, or None: offline SVG art
    media: Any | None = None  # MediaStore for model-made images (S3 media bucket)
    hosts: Any | None = None  # HostMap: host → release (adapters/hosts.py)
    payments: Any | None = None  # PaymentsClient: the publish charge (adapters/payments.py)
    notifier: Any | None = None  # Notifier: the "your store is live" email / SMS
    registrar: RegistrarClient | None = None  # one per process: shares its cache and rate budget
    dns_cdn: DnsCdn | None = None  # Route 53 + ACM (us-east-1) + CloudFront for custom domains
