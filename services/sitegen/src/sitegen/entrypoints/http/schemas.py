"""Request bodies (camelCase, unknown fields refused). Responses are plain dicts built by the service views."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    pass


class CreateStore(Request):
    prompt: Annotated[str, msgspec.Meta(max_length=4000)]  # the 1,000-character rule answers PROMPT_INVALID


class Edit(Request):
    path: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    value: Any


class EditDraft(Request):
    edits: Annotated[list[Edit], msgspec.Meta(min_length=1, max_length=50)]


class Rewrite(Request):
    path: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    instruction: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class RegenerateImage(Request):
    prompt: Annotated[str, msgspec.Meta(min_length=3, max_length=400)]


class Revert(Request):
    version: Annotated[int, msgspec.Meta(ge=1)]
