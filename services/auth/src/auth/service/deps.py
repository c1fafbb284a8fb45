"""What the use cases need, wired once in bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

from auth.adapters.repository import AuthRepository
from auth.adapters.signing_keys import SigningKeys
from auth.settings import AuthSettings
from webdpro_aws.messaging import Notifier
from webdpro_events import Outbox


@dataclass
class Deps:
    settings: AuthSettings
    repo: AuthRepository
    notifier: Notifier
    keys: SigningKeys
    outbox: Outbox
    pepper: bytes
