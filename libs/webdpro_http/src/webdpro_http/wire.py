"""The wire format of responses built from stored items: snake_case keys (storage, services) become camelCase."""

from __future__ import annotations

import re
from typing import Any

import msgspec

_CAMEL = re.compile(r"_([a-z])")


def camelize(value: Any) -> Any:
    """snake_case keys → camelCase, recursively through dicts and lists."""
    if isinstance(value, dict):
        return {_CAMEL.sub(lambda m: m.group(1).upper(), k): camelize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camelize(v) for v in value]
    return value


def to(struct: type, value: Any) -> Any:
    """A stored (snake_case) value as the response struct (camelCase fields), validated by msgspec."""
    return msgspec.convert(camelize(value), struct)
