"""Deployment settings: CDK context (`-c key=value`, or `context` in cdk.json) first, then the environment, then
safe defaults. Nothing here needs an AWS account: with no account the stacks are environment-agnostic in the
account and synthesise offline; `cdk deploy` fills the account in from the credentials it runs with."""

from __future__ import annotations

import os
from dataclasses import dataclass

from constructs import Construct

# CloudFront only accepts certificates from us-east-1, and its functions, key value stores and distributions are
# global; the edge stack lives there, everything else in the platform's own region.
EDGE_REGION = "us-east-1"


@dataclass(frozen=True)
class ContainerSecret:
    """A secret operations set by hand in Secrets Manager (`<prefix><name>`), given to one service's container as
    the environment variable it reads. ECS fetches it at task start with the task's *execution* role (granted on
    exactly this secret), so the task role never reads it. ECS refuses to start a task whose secret is missing:
    an `optional` one is injected only when it is listed in the `optional_secrets` setting (it exists)."""

    env: str
    name: str
    optional: bool = False


# Not in the manifest (nothing creates them): the registrar's API token, without which sitegen cannot buy a
# domain; the reporting database's DSN, which admin uses when it is set (its metrics work without it).
SERVICE_SECRETS: dict[str, tuple[ContainerSecret, ...]] = {
    "sitegen": (ContainerSecret("WEBDPRO_REGISTRAR_TOKEN", "sitegen/registrar-token"),),
    "admin": (ContainerSecret("WEBDPRO_REPORTING_DSN", "admin/reporting-dsn", optional=True),),
}


def _get(scope: Construct | None, key: str, env: str, default: str) -> str:
    if scope is not None:
        value = scope.node.try_get_context(key)
        if value not in (None, ""):
            return str(value)
    return os.environ.get(env) or default


@dataclass(frozen=True)
class InfraSettings:
    account: str | None = None  # None: environment-agnostic (synth needs no account)
    region: str = "ap-south-1"  # Mumbai: the merchants and their customers are in India
    # Every real name is `<prefix><logical name>`, exactly as the services resolve them (WEBDPRO_RESOURCE_PREFIX);
    # a stage is a prefix ("webdpro-staging-"), so several stages can share one account.
    resource_prefix: str = "webdpro-"
    platform_domain: str = "webdpro.in"
    manifest_path: str | None = None  # None: deploy/resources.toml found by walking up, as the services do
    # Custom domains managed as code (most are added at run time by sitegen; see README).
    custom_domains: tuple[str, ...] = ()
    # Browser origins of the dashboards allowed by the API's CORS preflight.
    dashboard_origins: tuple[str, ...] = ()
    api_rate_limit: int = 200  # steady requests/s across the API (per account and stage)
    api_burst_limit: int = 400
    desired_count: int = 2  # tasks per service: two AZs
    # Optional container secrets that exist in this account (names as in SERVICE_SECRETS, e.g. "admin/reporting-dsn").
    optional_secrets: tuple[str, ...] = ()

    def container_secrets(self, service: str) -> tuple[ContainerSecret, ...]:
        return tuple(
            s for s in SERVICE_SECRETS.get(service, ()) if not s.optional or s.name in self.optional_secrets
        )

    @property
    def stack_prefix(self) -> str:
        # "webdpro-" → "Webdpro", "webdpro-staging-" → "WebdproStaging": CloudFormation stack names per stage.
        return "".join(part.capitalize() for part in self.resource_prefix.split("-") if part)

    @property
    def origins(self) -> tuple[str, ...]:
        d = self.platform_domain
        return self.dashboard_origins or (f"https://app.{d}", f"https://admin.{d}")

    @classmethod
    def load(cls, scope: Construct | None = None) -> InfraSettings:
        def csv(value: str) -> tuple[str, ...]:
            return tuple(v.strip().lower() for v in value.split(",") if v.strip())

        return cls(
            account=_get(scope, "account", "CDK_DEFAULT_ACCOUNT", "") or None,
            region=_get(scope, "region", "WEBDPRO_AWS_REGION", cls.region),
            resource_prefix=_get(scope, "resource_prefix", "WEBDPRO_RESOURCE_PREFIX", cls.resource_prefix),
            platform_domain=_get(scope, "platform_domain", "WEBDPRO_PLATFORM_DOMAIN", cls.platform_domain),
            manifest_path=_get(scope, "manifest", "WEBDPRO_RESOURCE_MANIFEST", "") or None,
            custom_domains=csv(_get(scope, "custom_domains", "WEBDPRO_CUSTOM_DOMAINS", "")),
            dashboard_origins=csv(_get(scope, "dashboard_origins", "WEBDPRO_DASHBOARD_ORIGINS", "")),
            api_rate_limit=int(
                _get(scope, "api_rate_limit", "WEBDPRO_API_RATE_LIMIT", str(cls.api_rate_limit))
            ),
            api_burst_limit=int(
                _get(scope, "api_burst_limit", "WEBDPRO_API_BURST_LIMIT", str(cls.api_burst_limit))
            ),
            desired_count=int(_get(scope, "desired_count", "WEBDPRO_DESIRED_COUNT", str(cls.desired_count))),
            optional_secrets=csv(_get(scope, "optional_secrets", "WEBDPRO_OPTIONAL_SECRETS", "")),
        )
