"""Merchant routes for going live: domain search, publish, republish, rollback, releases."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from sitegen.service import publish, stores
from sitegen.service.deps import Deps
from webdpro_core.errors import Forbidden
from webdpro_http import requires
from webdpro_tenancy import BUSINESS_OWNER, Caller


class _Body(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class DomainChoice(_Body):
    type: Literal["subdomain", "custom"]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=253)]


Text = Annotated[str, msgspec.Meta(max_length=200)]


class WhoisContact(_Body):
    """The registrant of a custom domain; gaps are filled from the platform's registrar contact."""

    name: Text | None = None
    email: Text | None = None
    phone: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    address: Text | None = None
    city: Text | None = None
    state: Text | None = None
    postal_code: Annotated[str, msgspec.Meta(max_length=12)] | None = None
    country: Annotated[str, msgspec.Meta(min_length=2, max_length=2)] | None = None


class PublishRequest(_Body):
    domain: DomainChoice
    contact: WhoisContact | None = None


class RollbackRequest(_Body):
    version: Annotated[int, msgspec.Meta(ge=1)]


def _tenant(caller: Caller) -> str:
    if not caller.tenant_id:
        raise Forbidden("This token carries no tenant", code="TENANT_REQUIRED")
    return caller.tenant_id


def _contact(c: WhoisContact | None) -> dict | None:
    if c is None:
        return None
    raw = msgspec.to_builtins(c)  # camelCase keys (postalCode), as the domain steps read them
    return {k: v for k, v in raw.items() if v} or None


class DomainController(Controller):
    path = "/domains"
    tags = ["publishing"]
    guards = [requires(BUSINESS_OWNER)]

    @get("/search")
    async def search(
        self, caller: Caller, deps: Deps, q: Annotated[str, Parameter(min_length=1, max_length=253)]
    ) -> dict:
        return await publish.search(deps, _tenant(caller), q)


class PublishController(Controller):
    path = "/stores"
    tags = ["publishing"]
    guards = [requires(BUSINESS_OWNER)]

    @post("/{store_id:str}/publish", status_code=201)
    async def publish_store(
        self, caller: Caller, store_id: str, data: PublishRequest, deps: Deps, generations: stores.Generations
    ) -> dict:
        _tenant(caller)
        return await publish.publish(
            deps,
            generations.start,
            caller,
            store_id,
            domain_type=data.domain.type,
            name=data.domain.name,
            contact=_contact(data.contact),
        )

    @post("/{store_id:str}/republish", status_code=201)
    async def republish(
        self, caller: Caller, store_id: str, deps: Deps, generations: stores.Generations
    ) -> dict:
        _tenant(caller)
        return await publish.republish(deps, generations.start, caller, store_id)

    @post("/{store_id:str}/rollback", status_code=200)
    async def rollback(self, caller: Caller, store_id: str, data: RollbackRequest, deps: Deps) -> dict:
        store = await publish.rollback(deps, _tenant(caller), store_id, data.version)
        return stores.public_view(deps, store)

    @get("/{store_id:str}/releases")
    async def releases(self, caller: Caller, store_id: str, deps: Deps) -> dict:
        return {"items": await publish.releases(deps, _tenant(caller), store_id)}
