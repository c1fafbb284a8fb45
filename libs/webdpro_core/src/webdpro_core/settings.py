"""Settings from the environment.

Every variable is `WEBDPRO_<FIELD>` (upper case), except the AWS ones, which keep their standard names so that
the AWS SDK and LocalStack tooling read the same values. A service declares its own `Settings` subclass with its
extra fields and defaults; `load(SettingsClass)` fills it from `os.environ` and validates types.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound="BaseSettings")

# Fields read from a standard (non WEBDPRO_) variable.
_STANDARD_NAMES = {
    "aws_endpoint_url": "AWS_ENDPOINT_URL",
    "aws_region": "AWS_DEFAULT_REGION",
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
}


class BaseSettings(msgspec.Struct, kw_only=True, frozen=True):
    env: str = (
        "local"  # local | test | prod; the dev inbox and other local aids exist only when "local"/"test"
    )
    service: str = "webdpro"
    aws_endpoint_url: str | None = None  # None → real AWS endpoints
    aws_region: str = "ap-south-1"
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    resource_prefix: str = "webdpro-"
    resource_manifest: str | None = None  # path to deploy/resources.toml; found by walking up when None
    platform_domain: str = "webdpro.in"
    mail_from: str = "no-reply@webdpro.in"
    jwks_url: str = "http://127.0.0.1:8101/api/auth/.well-known/jwks.json"
    token_issuer: str = "https://auth.webdpro.in"
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def is_local(self) -> bool:
        return self.env in {"local", "test"}


def _env_name(field: str) -> str:
    return _STANDARD_NAMES.get(field, f"WEBDPRO_{field.upper()}")


def load(cls: type[S], environ: Mapping[str, str] | None = None, **overrides: Any) -> S:
    """Build `cls` from the environment; `overrides` win over the environment (used by tests)."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    for field in cls.__struct_fields__:
        name = _env_name(field)
        if name in environ and environ[name] != "":
            raw[field] = environ[name]
    raw.update(overrides)
    # str_values=True lets msgspec convert "8080" → int, "true" → bool, "a,b" stays str.
    return msgspec.convert(raw, cls, strict=False)
