"""The declarative resource manifest (`deploy/resources.toml`): tables, topics, queues, buckets, user pools,
secrets and SES identities. Local provisioning and the AWS infrastructure code both read it through here,
and services use it to resolve logical names ("auth" table) to real ones ("webdpro-auth")."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import msgspec


class Gsi(msgspec.Struct, frozen=True):
    name: str
    hash_key: str
    range_key: str | None = None


class Table(msgspec.Struct, frozen=True):
    name: str
    hash_key: str = "PK"
    range_key: str | None = "SK"
    ttl_attribute: str | None = None
    gsis: list[Gsi] = []
    streams: bool = False


class Topic(msgspec.Struct, frozen=True):
    name: str


class Subscription(msgspec.Struct, frozen=True):
    topic: str  # logical topic key (the producing service)
    types: list[str] = []  # event types to receive; empty = all (no filter policy)


class Queue(msgspec.Struct, frozen=True):
    name: str
    max_receive_count: int = 5
    visibility_timeout: int = 30
    subscriptions: list[Subscription] = []


class Bucket(msgspec.Struct, frozen=True):
    name: str
    versioning: bool = False
    cors_origins: list[str] = []


class UserPool(msgspec.Struct, frozen=True):
    name: str
    groups: list[str] = []
    custom_attributes: list[str] = []


class Secret(msgspec.Struct, frozen=True):
    name: str
    description: str = ""
    generate: bool = False  # provisioning writes a random value when the secret does not exist
    create: bool = True


class Ses(msgspec.Struct, frozen=True):
    identities: list[str] = []


class Manifest(msgspec.Struct, frozen=True):
    tables: dict[str, Table] = {}
    topics: dict[str, Topic] = {}
    queues: dict[str, Queue] = {}
    buckets: dict[str, Bucket] = {}
    user_pools: dict[str, UserPool] = {}
    secrets: dict[str, Secret] = {}
    ses: Ses = Ses()


def find_manifest(start: Path | None = None) -> Path:
    here = (start or Path(__file__)).resolve()
    for parent in [here, *here.parents]:
        candidate = parent / "deploy" / "resources.toml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("deploy/resources.toml not found; set WEBDPRO_RESOURCE_MANIFEST")


@lru_cache(maxsize=4)
def load_manifest(path: str | None = None) -> Manifest:
    file = Path(path) if path else find_manifest()
    return msgspec.convert(tomllib.loads(file.read_text()), Manifest)


class Names:
    """Real resource names: `<prefix><logical name>`."""

    def __init__(self, manifest: Manifest, prefix: str) -> None:
        self.manifest = manifest
        self.prefix = prefix

    def table(self, key: str) -> str:
        return self.prefix + self.manifest.tables[key].name

    def topic(self, key: str) -> str:
        return self.prefix + self.manifest.topics[key].name

    def queue(self, key: str) -> str:
        return self.prefix + self.manifest.queues[key].name

    def dlq(self, key: str) -> str:
        return self.queue(key) + "-dlq"

    def bucket(self, key: str) -> str:
        return self.prefix + self.manifest.buckets[key].name

    def user_pool(self, key: str) -> str:
        return self.prefix + self.manifest.user_pools[key].name

    def secret(self, key: str) -> str:
        return self.prefix + self.manifest.secrets[key].name
