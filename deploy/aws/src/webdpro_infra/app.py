"""The CDK app: `python -m webdpro_infra.app` synthesises every stack into ./cdk.out (no AWS account needed);
`cdk deploy --app cdk.out` (or `cdk deploy` with deploy/aws/cdk.json) deploys them.

Stacks, in deployment order:
  <Prefix>Data      tables, topics, queues + DLQs + subscriptions, buckets, secrets, user pool, SES, platform zone,
                    schedules — all from deploy/resources.toml
  <Prefix>Services  VPC, cluster, one Fargate service + least-privilege task role per service, internal ALB
  <Prefix>Api       the HTTP API: /api/<service>/* → the services, throttled; never /internal/
  <Prefix>Edge      (us-east-1) CloudFront, the host → release function and store, certificates, custom domains
  <Prefix>HostMirror  sitegen's table stream → a Lambda that copies host items to the edge's key value store
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aws_cdk import App, Environment, Tags

from webdpro_aws.manifest import Manifest, load_manifest
from webdpro_infra import wiring
from webdpro_infra.api import ApiStack
from webdpro_infra.data import DataStack
from webdpro_infra.edge import EdgeStack
from webdpro_infra.host_mirror import HostMirrorStack
from webdpro_infra.services import ServicesStack
from webdpro_infra.settings import EDGE_REGION, InfraSettings


@dataclass
class Platform:
    settings: InfraSettings
    manifest: Manifest
    data: DataStack
    services: ServicesStack
    api: ApiStack
    edge: EdgeStack
    mirror: HostMirrorStack | None


def build(app: App, settings: InfraSettings | None = None) -> Platform:
    settings = settings or InfraSettings.load(app)
    manifest = load_manifest(settings.manifest_path)
    home = Environment(account=settings.account, region=settings.region)
    edge_home = Environment(account=settings.account, region=EDGE_REGION)
    p = settings.stack_prefix

    # The edge stack reads two values from the platform's region (the API's host name, the hosted zone); CDK
    # carries them across regions through SSM with this flag on both sides.
    data = DataStack(
        app, f"{p}Data", settings=settings, manifest=manifest, env=home, cross_region_references=True
    )
    services = ServicesStack(
        app,
        f"{p}Services",
        settings=settings,
        manifest=manifest,
        user_pool_arns={k: pool.user_pool_arn for k, pool in data.user_pools.items()},
        env=home,
    )
    api = ApiStack(
        app, f"{p}Api", settings=settings, services=services, env=home, cross_region_references=True
    )
    edge = EdgeStack(
        app,
        f"{p}Edge",
        settings=settings,
        manifest=manifest,
        zone=data.zone,
        api_origin_domain=api.origin_domain,
        env=edge_home,
        cross_region_references=True,
    )
    # The host map's stream and the function that reads it share the platform's region; the key value store's
    # ARN comes from the edge stack across regions.
    mirror = None
    if wiring.EDGE_PUBLISHER in data.tables:
        mirror = HostMirrorStack(
            app,
            f"{p}HostMirror",
            settings=settings,
            table=data.tables[wiring.EDGE_PUBLISHER],
            key_value_store_arn=edge.site.hosts.key_value_store_arn,
            env=home,
            cross_region_references=True,
        )
    Tags.of(app).add("project", "webdpro")
    Tags.of(app).add("stage", settings.resource_prefix.strip("-"))
    return Platform(settings, manifest, data, services, api, edge, mirror)


# Feature flags (cdk.json carries the same for the CLI). Strong cross-stack references: the data stack cannot
# drop a value (the user pool's ARN) that another stack still uses.
CONTEXT = {"@aws-cdk/core:defaultCrossStackReferences": "strong"}


def new_app(**kwargs) -> App:
    return App(context={**CONTEXT, **kwargs.pop("context", {})}, **kwargs)


def main() -> None:
    # The CDK CLI tells the app where to write (CDK_OUTDIR); run by hand it writes ./cdk.out.
    app = new_app(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
    build(app)
    app.synth()


if __name__ == "__main__":
    main()
