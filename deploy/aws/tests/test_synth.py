"""Synthesises the whole AWS app offline (no account, no CDK CLI) and checks what it would deploy against the
resource manifest: every resource of the manifest exists as declared, each service's task role reaches only
what it owns, the edge serves stores by host with the right caching, a custom domain gets its zone, certificate,
distribution and records, and the public API has no internal route."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from aws_cdk.assertions import Template
from webdpro_infra import wiring
from webdpro_infra.app import Platform, build, new_app
from webdpro_infra.edge import FUNCTION_CODE, CustomDomain
from webdpro_infra.settings import InfraSettings

from webdpro_aws.manifest import Names, find_manifest

SAMPLE_DOMAIN = "curam.in"
STACKS = ("data", "services", "api", "edge", "mirror")
# The host mirror's code is bundled with its dependencies at deploy time; a synth test installs nothing.
NO_BUNDLING = {"aws:cdk:bundling-stacks": []}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Platform:
    app = new_app(outdir=str(tmp_path_factory.mktemp("cdk.out")), context=NO_BUNDLING)
    platform = build(app, InfraSettings())
    CustomDomain(platform.edge, "SampleDomain", domain=SAMPLE_DOMAIN, site=platform.edge.site)
    return platform


@pytest.fixture(scope="module")
def templates(platform: Platform) -> dict[str, dict[str, Any]]:
    return {name: Template.from_stack(getattr(platform, name)).to_json() for name in STACKS}


@pytest.fixture(scope="module")
def names(platform: Platform) -> Names:
    return Names(platform.manifest, platform.settings.resource_prefix)


# ---- helpers over the synthesised JSON -------------------------------------------------------------------------
def resources(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v.get("Properties", {}) for k, v in template["Resources"].items() if v["Type"] == rtype}


def flat(value: Any) -> str:
    """An intrinsic as readable text: Fn::Join concatenated, Refs and attributes as ${…}."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(flat(p) for p in parts)
        if "Ref" in value:
            return "${" + value["Ref"] + "}"
        if "Fn::GetAtt" in value:
            return "${" + ".".join(value["Fn::GetAtt"]) + "}"
        if "Fn::ImportValue" in value:
            return "${import:" + flat(value["Fn::ImportValue"]) + "}"
    return json.dumps(value, sort_keys=True)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def logical_id(template: dict[str, Any], rtype: str, prop: str, value: str) -> str:
    found = [k for k, p in resources(template, rtype).items() if p.get(prop) == value]
    assert len(found) == 1, f"{rtype} with {prop}={value}: {found}"
    return found[0]


def statements_of_role(templates: dict[str, dict[str, Any]], role_name: str) -> list[dict[str, Any]]:
    """Every statement of every policy attached to the role, in any stack (the edge stack attaches one too)."""
    role_id = logical_id(templates["services"], "AWS::IAM::Role", "RoleName", role_name)
    found = []
    for template in templates.values():
        for props in resources(template, "AWS::IAM::Policy").values():
            roles = [flat(r) for r in props["Roles"]]
            if "${" + role_id + "}" in roles or role_name in roles:
                found.extend(props["PolicyDocument"]["Statement"])
    assert found, role_name
    return found


# ---- data: everything from the manifest --------------------------------------------------------------------
def test_every_table_of_the_manifest_with_its_keys_indexes_and_ttl(platform, templates, names):
    tables = resources(templates["data"], "AWS::DynamoDB::Table")
    assert len(tables) == len(platform.manifest.tables)
    by_name = {p["TableName"]: p for p in tables.values()}
    for key, spec in platform.manifest.tables.items():
        t = by_name[names.table(key)]
        expected_keys = [{"AttributeName": spec.hash_key, "KeyType": "HASH"}]
        if spec.range_key:
            expected_keys.append({"AttributeName": spec.range_key, "KeyType": "RANGE"})
        assert t["KeySchema"] == expected_keys
        assert t["BillingMode"] == "PAY_PER_REQUEST"
        assert t["DeletionProtectionEnabled"] is True
        if spec.ttl_attribute:
            assert t["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
        gsis = {g["IndexName"]: g for g in t.get("GlobalSecondaryIndexes", [])}
        assert set(gsis) == {g.name for g in spec.gsis}
        for g in spec.gsis:
            schema = [{"AttributeName": g.hash_key, "KeyType": "HASH"}]
            if g.range_key:
                schema.append({"AttributeName": g.range_key, "KeyType": "RANGE"})
            assert gsis[g.name]["KeySchema"] == schema
            assert gsis[g.name]["Projection"] == {"ProjectionType": "ALL"}


def test_every_topic_queue_dlq_and_filtered_raw_subscription(platform, templates, names):
    data, m = templates["data"], platform.manifest
    assert len(resources(data, "AWS::SNS::Topic")) == len(m.topics)
    topic_ids = {k: logical_id(data, "AWS::SNS::Topic", "TopicName", names.topic(k)) for k in m.topics}
    queues = resources(data, "AWS::SQS::Queue")
    assert len(queues) == 2 * len(m.queues)  # each with its DLQ
    subscriptions = list(resources(data, "AWS::SNS::Subscription").values())
    assert len(subscriptions) == sum(len(q.subscriptions) for q in m.queues.values())
    for key, spec in m.queues.items():
        queue_id = logical_id(data, "AWS::SQS::Queue", "QueueName", names.queue(key))
        dlq_id = logical_id(data, "AWS::SQS::Queue", "QueueName", names.dlq(key))
        queue = queues[queue_id]
        assert queue["VisibilityTimeout"] == spec.visibility_timeout
        assert queue["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
            "maxReceiveCount": spec.max_receive_count,
        }
        assert spec.max_receive_count == 5  # the platform's rule: a DLQ after 5 receives
        for sub in spec.subscriptions:
            match = [
                s
                for s in subscriptions
                if s["Endpoint"] == {"Fn::GetAtt": [queue_id, "Arn"]}
                and s["TopicArn"] == {"Ref": topic_ids[sub.topic]}
            ]
            assert len(match) == 1, (key, sub.topic)
            assert match[0]["Protocol"] == "sqs"
            assert match[0]["RawMessageDelivery"] is True
            if sub.types:
                assert match[0]["FilterPolicy"] == {"type": list(sub.types)}
            else:
                assert "FilterPolicy" not in match[0]


def test_buckets_user_pool_secrets_ses_and_schedules(platform, templates, names):
    data, m = templates["data"], platform.manifest
    buckets = {p["BucketName"]: p for p in resources(data, "AWS::S3::Bucket").values()}
    assert set(buckets) == {names.bucket(k) for k in m.buckets}
    for key, spec in m.buckets.items():
        b = buckets[names.bucket(key)]
        assert b["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
        assert ("VersioningConfiguration" in b) == spec.versioning
        if spec.cors_origins:
            assert b["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == list(spec.cors_origins)
    # Only CloudFront, only this account's distributions, only built sites (never a version's spec.json).
    sites_id = logical_id(data, "AWS::S3::Bucket", "BucketName", names.bucket(wiring.EDGE_BUCKET))
    policy = next(
        p for p in resources(data, "AWS::S3::BucketPolicy").values() if p["Bucket"] == {"Ref": sites_id}
    )
    reads = next(
        s for s in policy["PolicyDocument"]["Statement"] if s.get("Sid") == "CloudFrontReadsBuiltSites"
    )
    assert reads["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    # Live releases only: never a draft (`stores/<id>/v<N>/site/…`) or its spec.json.
    assert [flat(r).rsplit("}", 1)[-1] for r in as_list(reads["Resource"])] == [
        "/stores/*/releases/*",
        "/_platform/*",
    ]
    assert "distribution/*" in flat(reads["Condition"]["ArnLike"]["AWS:SourceArn"])

    pools = resources(data, "AWS::Cognito::UserPool")
    groups = {p["GroupName"] for p in resources(data, "AWS::Cognito::UserPoolGroup").values()}
    for key, spec in m.user_pools.items():
        pool = next(p for p in pools.values() if p["UserPoolName"] == names.user_pool(key))
        custom = {a["Name"]: a for a in pool["Schema"]}
        for attr in spec.custom_attributes:
            assert custom[attr]["AttributeDataType"] == "String" and custom[attr]["Mutable"] is True
        assert set(spec.groups) <= groups

    secrets = {p["Name"] for p in resources(data, "AWS::SecretsManager::Secret").values()}
    assert secrets == {names.secret(k) for k, s in m.secrets.items() if s.create}
    identities = {p["EmailIdentity"] for p in resources(data, "AWS::SES::EmailIdentity").values()}
    assert identities == set(m.ses.identities)

    inputs = [flat(p["Target"]["Input"]) for p in resources(data, "AWS::Scheduler::Schedule").values()]
    scheduler_topic = logical_id(data, "AWS::SNS::Topic", "TopicName", names.topic(wiring.SCHEDULER_TOPIC))
    for event_type in wiring.scheduled_types(m):
        assert event_type in wiring.SCHEDULES, f"no cadence for {event_type}"
        sent = [i for i in inputs if f'"StringValue":"{event_type}"' in i]
        assert len(sent) == 1 and "${" + scheduler_topic + "}" in sent[0]


# ---- services: least privilege -------------------------------------------------------------------------------
def test_every_service_is_deployed_with_its_own_role(platform, templates):
    services = wiring.services(platform.manifest)
    assert platform.services.services == services
    assert {"auth", "sitegen", "catalog", "orders", "payments", "delivery", "admin"} <= set(services)
    svc = templates["services"]
    assert {p["ServiceName"] for p in resources(svc, "AWS::ECS::Service").values()} == {
        f"{platform.settings.resource_prefix}{s}" for s in services
    }
    task_roles = {flat(p["TaskRoleArn"]) for p in resources(svc, "AWS::ECS::TaskDefinition").values()}
    assert len(task_roles) == len(services)  # one role per service, never shared


def test_each_task_role_reaches_only_its_own_tables_topic_and_queue(platform, templates, names):
    m, prefix = platform.manifest, platform.settings.resource_prefix
    services = wiring.services(m)

    def own(keys) -> list[str]:  # the rule, restated here rather than taken from the code under test
        return [k for k in keys if k == service or k.startswith(service + "_")]

    for service in services:
        own_tables = {names.table(t) for t in own(m.tables)}
        others = {names.table(t) for t in m.tables} - own_tables
        touched: set[str] = set()
        for st in statements_of_role(templates, f"{prefix}{service}-task"):
            actions = as_list(st["Action"])
            arns = [flat(r) for r in as_list(st.get("Resource", []))]
            if any(a.startswith("dynamodb:") for a in actions):
                assert "dynamodb:*" not in actions and "*" not in arns, (service, st)
                for arn in arns:
                    table = arn.split(":table/", 1)[1].split("/", 1)[0]
                    assert table in own_tables and table not in others, (service, arn)
                    assert arn.endswith((f"table/{table}", f"table/{table}/index/*", "/stream/*")), arn
                    touched.add(table)
            if "sns:Publish" in actions and "Resource" in st:
                assert {a.rsplit(":", 1)[1] for a in arns} == {names.topic(t) for t in own(m.topics)}
            if "sns:Publish" in actions and "NotResource" in st:  # SMS: anything but a topic
                assert flat(st["NotResource"]).endswith(":sns:*:*:*") and service in wiring.SMS_SENDERS
            if any(a.startswith("sqs:") for a in actions):
                own_queues = {names.queue(q) for q in own(m.queues)} | {names.dlq(q) for q in own(m.queues)}
                assert {a.rsplit(":", 1)[1] for a in arns} <= own_queues, (service, arns)
            if any(a.startswith("secretsmanager:") for a in actions):
                assert all(
                    a.endswith(
                        (f":secret:{prefix}{service}/*", f":secret:{prefix}{wiring.SHARED_SECRET_PREFIX}*")
                    )
                    for a in arns
                ), (service, arns)
            if any(a.startswith("s3:") for a in actions):
                allowed = {names.bucket(b) for b, users in wiring.BUCKET_USERS.items() if service in users}
                assert {a.split(":::", 1)[1].split("/", 1)[0] for a in arns} <= allowed, (service, arns)
        assert touched == own_tables, service


def test_sitegen_may_take_a_custom_domain_live_and_nothing_more(platform, templates):
    prefix = platform.settings.resource_prefix
    own_prefixes = ("dynamodb:", "sns:", "sqs:", "s3:", "secretsmanager:", "bedrock:")
    grants: dict[str, list[str]] = {}
    for st in statements_of_role(templates, f"{prefix}sitegen-task"):
        assert st["Effect"] == "Allow" and "NotAction" not in st
        for action in as_list(st["Action"]):
            if not action.startswith(own_prefixes):
                grants.setdefault(action, []).extend(flat(r) for r in as_list(st["Resource"]))
    zones = ["route53:GetHostedZone", "route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
    certs = ["acm:RequestCertificate", "acm:DescribeCertificate"]
    dists = [
        "cloudfront:CreateDistribution",
        "cloudfront:GetDistribution",
        "cloudfront:GetDistributionConfig",
        "cloudfront:UpdateDistribution",
        "cloudfront:TagResource",
    ]
    edge_settings = ["ssm:GetParameter", "ssm:GetParametersByPath"]
    assert set(grants) == {
        "route53:CreateHostedZone",
        "route53:ListHostedZonesByName",
        *zones,
        *certs,
        *dists,
        "ses:SendEmail",
        "ses:SendRawEmail",
        *edge_settings,
    }
    for a in ("route53:CreateHostedZone", "route53:ListHostedZonesByName"):
        assert grants[a] == ["*"], a  # no resource-level permission exists for them
    for a in zones:
        assert grants[a] == ["arn:${AWS::Partition}:route53:::hostedzone/*"], a
    for a in certs:  # CloudFront takes certificates from us-east-1 only
        assert grants[a] == ["arn:${AWS::Partition}:acm:us-east-1:${AWS::AccountId}:certificate/*"], a
    for a in dists:
        assert grants[a] == ["arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/*"], a
    assert grants["ses:SendEmail"] and all(":identity/" in r for r in grants["ses:SendEmail"])
    for a in edge_settings:
        assert grants[a] == [
            f"arn:${{AWS::Partition}}:ssm:us-east-1:${{AWS::AccountId}}:parameter/{prefix}edge/*"
        ]


def test_no_role_may_pass_a_role_or_write_the_edge_key_value_store_except_the_host_mirror(templates):
    for name, template in templates.items():
        for props in resources(template, "AWS::IAM::Policy").values():
            for st in props["PolicyDocument"]["Statement"]:
                actions = as_list(st["Action"])
                assert not [a for a in actions if a.startswith("iam:")], (name, st)
                if name != "mirror":
                    assert not [a for a in actions if a.startswith("cloudfront-keyvaluestore:")], (name, st)


def _container(template: dict[str, Any], family: str) -> dict[str, Any]:
    task = next(p for p in resources(template, "AWS::ECS::TaskDefinition").values() if p["Family"] == family)
    (container,) = task["ContainerDefinitions"]
    return {**container, "ExecutionRoleArn": flat(task["ExecutionRoleArn"])}


def test_sitegen_gets_the_registrar_token_from_secrets_manager_through_its_execution_role(
    platform, templates
):
    svc, prefix = templates["services"], platform.settings.resource_prefix
    container = _container(svc, f"{prefix}sitegen")
    secrets = {s["Name"]: flat(s["ValueFrom"]) for s in container.get("Secrets", [])}
    assert set(secrets) == {"WEBDPRO_REGISTRAR_TOKEN"}
    assert secrets["WEBDPRO_REGISTRAR_TOKEN"].endswith(f":secret:{prefix}sitegen/registrar-token")
    exec_role = container["ExecutionRoleArn"].removeprefix("${").removesuffix(".Arn}")
    reads = [
        st
        for props in resources(svc, "AWS::IAM::Policy").values()
        if "${" + exec_role + "}" in [flat(r) for r in props["Roles"]]
        for st in props["PolicyDocument"]["Statement"]
        if "secretsmanager:GetSecretValue" in as_list(st["Action"])
    ]
    assert [flat(r) for st in reads for r in as_list(st["Resource"])] == [
        secrets["WEBDPRO_REGISTRAR_TOKEN"] + "-??????"
    ]
    # No other service is handed a secret it does not read (admin's reporting DSN is off until it exists).
    for service in platform.services.services:
        if service != "sitegen":
            assert "Secrets" not in _container(svc, f"{prefix}{service}"), service


def test_admin_is_deployed_like_every_service_with_its_reporting_dsn_once_it_exists(tmp_path, platform):
    from webdpro_infra.services import ServicesStack

    assert "admin" in platform.services.services
    app = new_app(outdir=str(tmp_path / "cdk.out"))
    settings = InfraSettings(optional_secrets=("admin/reporting-dsn",))
    stack = ServicesStack(app, "S", settings=settings, manifest=platform.manifest, user_pool_arns={})
    svc = Template.from_stack(stack).to_json()
    admin = _container(svc, "webdpro-admin")
    assert admin["PortMappings"][0]["ContainerPort"] == wiring.CONTAINER_PORT
    env = {e["Name"]: e["Value"] for e in admin["Environment"]}
    assert env["WEBDPRO_SERVICE"] == "admin" and env["WEBDPRO_SITEGEN_URL"].startswith("http://sitegen.")
    (secret,) = admin["Secrets"]
    assert secret["Name"] == "WEBDPRO_REPORTING_DSN"
    assert flat(secret["ValueFrom"]).endswith(":secret:webdpro-admin/reporting-dsn")
    assert "webdpro-admin" in {p["ServiceName"] for p in resources(svc, "AWS::ECS::Service").values()}


def test_no_policy_anywhere_grants_dynamodb_on_everything(templates):
    for name, template in templates.items():
        for props in resources(template, "AWS::IAM::Policy").values():
            for st in props["PolicyDocument"]["Statement"]:
                if as_list(st["Action"]) == ["dynamodb:ListStreams"]:  # stream names, no data (host mirror)
                    continue
                if any(a.startswith("dynamodb:") for a in as_list(st["Action"])):
                    assert "*" not in as_list(st.get("Resource", [])), (name, st)
                    assert "NotResource" not in st, (name, st)


# ---- api -----------------------------------------------------------------------------------------------------
def test_http_api_routes_each_service_never_internal_and_is_throttled(platform, templates):
    api = templates["api"]
    routes = {p["RouteKey"] for p in resources(api, "AWS::ApiGatewayV2::Route").values()}
    assert routes == {f"ANY /api/{s}/{{proxy+}}" for s in platform.services.services}
    assert not [r for r in routes if "internal" in r]
    stage = next(iter(resources(api, "AWS::ApiGatewayV2::Stage").values()))
    assert stage["StageName"] == "$default"
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == platform.settings.api_rate_limit
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == platform.settings.api_burst_limit
    # Behind it, the load balancer refuses /api/*/internal/* before any service rule can match.
    rules = resources(templates["services"], "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    first = min(rules, key=lambda r: r["Priority"])
    assert first["Conditions"][0]["PathPatternConfig"]["Values"] == ["/api/*/internal/*"]
    assert first["Actions"][0]["FixedResponseConfig"]["StatusCode"] == "404"
    assert len({r["Priority"] for r in rules}) == len(rules)


# ---- edge ----------------------------------------------------------------------------------------------------
def _distribution(edge: dict[str, Any], alias: str) -> dict[str, Any]:
    return next(
        p["DistributionConfig"]
        for p in resources(edge, "AWS::CloudFront::Distribution").values()
        if alias in p["DistributionConfig"]["Aliases"]
    )


def test_edge_serves_stores_by_host_with_oac_function_and_caching(platform, templates):
    edge, domain = templates["edge"], platform.settings.platform_domain
    oac = next(iter(resources(edge, "AWS::CloudFront::OriginAccessControl").values()))
    assert oac["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    fn = next(iter(resources(edge, "AWS::CloudFront::Function").values()))
    assert fn["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert fn["FunctionConfig"]["KeyValueStoreAssociations"]
    assert fn["AutoPublish"] is True and "kvs.get(host)" in fn["FunctionCode"]
    assert resources(edge, "AWS::CloudFront::KeyValueStore")

    dist = _distribution(edge, f"*.{domain}")
    sites = next(o for o in dist["Origins"] if "S3OriginConfig" in o)
    assert (
        sites["DomainName"]
        == f"{platform.settings.resource_prefix}sites.s3.{platform.settings.region}.amazonaws.com"
    )
    assert "OriginAccessControlId" in sites
    assert dist["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    policies = resources(edge, "AWS::CloudFront::CachePolicy")

    def ttl(behavior: dict[str, Any]) -> int:
        return policies[behavior["CachePolicyId"]["Ref"]]["CachePolicyConfig"]["DefaultTTL"]

    headers = resources(edge, "AWS::CloudFront::ResponseHeadersPolicy")

    def cache_control(behavior: dict[str, Any]) -> str:
        config = headers[behavior["ResponseHeadersPolicyId"]["Ref"]]["ResponseHeadersPolicyConfig"]
        (header,) = config["CustomHeadersConfig"]["Items"]
        assert header["Header"] == "Cache-Control"
        return header["Value"]

    default = dist["DefaultCacheBehavior"]
    behaviours = {b["PathPattern"]: b for b in dist["CacheBehaviors"]}
    # Only the content-hashed stylesheet and script are immutable; HTML and stable-named images are short-lived.
    hashed = [behaviours["/assets/*.??????????.css"], behaviours["/assets/*.??????????.js"]]
    assert set(behaviours) == {"/assets/*.??????????.css", "/assets/*.??????????.js", "/api/*"}
    assert ttl(default) == 60 and cache_control(default) == "public, max-age=60"
    for b in hashed:
        assert ttl(b) == 365 * 24 * 3600
        assert cache_control(b) == "public, max-age=31536000, immutable"
    for b in (default, *hashed):
        assert b["Compress"] is True and b["FunctionAssociations"][0]["EventType"] == "viewer-request"
    api = behaviours["/api/*"]
    assert "POST" in api["AllowedMethods"] and "FunctionAssociations" not in api
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # managed CachingDisabled

    certs = resources(edge, "AWS::CertificateManager::Certificate")
    assert any(c["DomainName"] == f"*.{domain}" and c["ValidationMethod"] == "DNS" for c in certs.values())
    records = resources(edge, "AWS::Route53::RecordSet").values()
    assert {r["Type"] for r in records if r["Name"] == f"*.{domain}."} == {"A", "AAAA"}


def test_custom_domain_has_zone_certificate_distribution_and_records(templates):
    edge = templates["edge"]
    zone_id = logical_id(edge, "AWS::Route53::HostedZone", "Name", f"{SAMPLE_DOMAIN}.")
    cert_id, cert = next(
        (k, c)
        for k, c in resources(edge, "AWS::CertificateManager::Certificate").items()
        if c["DomainName"] == SAMPLE_DOMAIN
    )
    assert cert["SubjectAlternativeNames"] == [f"www.{SAMPLE_DOMAIN}"]
    assert cert["ValidationMethod"] == "DNS"
    assert {o["HostedZoneId"]["Ref"] for o in cert["DomainValidationOptions"]} == {zone_id}
    dist = _distribution(edge, SAMPLE_DOMAIN)
    assert dist["Aliases"] == [SAMPLE_DOMAIN, f"www.{SAMPLE_DOMAIN}"]
    assert dist["ViewerCertificate"]["AcmCertificateArn"] == {"Ref": cert_id}
    # Served by the same host → release function as the platform's distribution.
    assert "FunctionAssociations" in dist["DefaultCacheBehavior"]
    records = [
        r
        for r in resources(edge, "AWS::Route53::RecordSet").values()
        if r["HostedZoneId"] == {"Ref": zone_id}
    ]
    assert {(r["Name"], r["Type"]) for r in records} == {
        (f"{n}.", t) for n in (SAMPLE_DOMAIN, f"www.{SAMPLE_DOMAIN}") for t in ("A", "AAAA")
    }
    assert all("AliasTarget" in r for r in records)


@pytest.mark.parametrize("bad", ["curam", "-curam.in", "cu ram.in", "curam..in", "https://curam.in"])
def test_custom_domain_refuses_a_name_that_is_not_a_domain(platform, bad):
    with pytest.raises(ValueError):
        CustomDomain(platform.edge, "Bad", domain=bad, site=platform.edge.site)


# ---- by construction -----------------------------------------------------------------------------------------
def test_a_new_service_in_the_manifest_gets_its_table_queue_route_and_a_role_for_it_alone(tmp_path):
    manifest = tmp_path / "resources.toml"
    manifest.write_text(
        find_manifest().read_text()
        + """
[tables.zzz]
name = "zzz"
ttl_attribute = "expires_at"
gsis = [{ name = "GSI1", hash_key = "GSI1PK", range_key = "GSI1SK" }]

[tables.zzz_archive]
name = "zzz-archive"

[topics.zzz]
name = "zzz-events"

[queues.zzz]
name = "zzz-events"
subscriptions = [{ topic = "orders", types = ["order.placed"] }]
"""
    )
    app = new_app(outdir=str(tmp_path / "cdk.out"), context=NO_BUNDLING)
    platform = build(app, InfraSettings(manifest_path=str(manifest)))
    templates = {name: Template.from_stack(getattr(platform, name)).to_json() for name in STACKS}
    tables = {p["TableName"] for p in resources(templates["data"], "AWS::DynamoDB::Table").values()}
    assert {"webdpro-zzz", "webdpro-zzz-archive"} <= tables
    assert "zzz" in platform.services.services and "zzz_archive" not in platform.services.services
    touched = set()
    for st in statements_of_role(templates, "webdpro-zzz-task"):
        if any(a.startswith("dynamodb:") for a in as_list(st["Action"])):
            touched |= {flat(r).split(":table/", 1)[1].split("/", 1)[0] for r in as_list(st["Resource"])}
    assert touched == {"webdpro-zzz", "webdpro-zzz-archive"}
    routes = {p["RouteKey"] for p in resources(templates["api"], "AWS::ApiGatewayV2::Route").values()}
    assert "ANY /api/zzz/{proxy+}" in routes


# ---- the edge function's logic, run on Node with a stand-in for CloudFront's key value store ------------------
@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_edge_function_maps_host_to_release_and_refuses_unknown_suspended_or_draft_hosts():
    code = FUNCTION_CODE.read_text().replace(
        "import cf from 'cloudfront';",
        "const STORE = {'curam.webdpro.in': 'stores/st_1/releases/v000003',"
        " 'curam.in': 'stores/st_1/releases/v000003', 'shut.webdpro.in': 'suspended',"
        " 'odd.webdpro.in': '../../secret', 'draft.webdpro.in': 'stores/st_2/v000004/site',"
        " 'short.webdpro.in': 'stores/st_3/releases/v4'};"
        " const cf = {kvs: () => ({get: async (k) => { if (k in STORE) return STORE[k]; throw new Error('nf'); }})};",
    )
    harness = (
        code
        + """
const cases = [['curam.webdpro.in', '/'], ['www.curam.in', '/about'], ['CURAM.webdpro.in', '/assets/app.js'],
  ['curam.in', '/category/tea.html'], ['curam.in', '/assets/styles.0123456789.css'], ['nobody.webdpro.in', '/'],
  ['shut.webdpro.in', '/'], ['odd.webdpro.in', '/'], ['draft.webdpro.in', '/'], ['short.webdpro.in', '/']];
(async () => {
  const out = [];
  for (const [host, uri] of cases) {
    const r = await handler({request: {uri, headers: {host: {value: host}}}});
    out.push(r.statusCode ? r.statusCode : r.uri);
  }
  console.log(JSON.stringify(out));
})();
"""
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-"],
        input=harness,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(result.stdout) == [
        "/stores/st_1/releases/v000003/index.html",
        "/stores/st_1/releases/v000003/about.html",
        "/stores/st_1/releases/v000003/assets/app.js",
        "/stores/st_1/releases/v000003/category/tea.html",
        "/stores/st_1/releases/v000003/assets/styles.0123456789.css",
        404,  # no store at this host
        503,  # suspended
        404,  # not a release prefix
        404,  # a draft is never served
        404,  # a release version is six digits, as sitegen writes it
    ]


# ---- the host mirror: sitegen's host map → the edge's key value store -------------------------------------------
def test_sitegen_table_streams_new_images_and_no_other_table_streams(platform, templates, names):
    tables = {p["TableName"]: p for p in resources(templates["data"], "AWS::DynamoDB::Table").values()}
    assert tables[names.table("sitegen")]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    streamed = {n for n, t in tables.items() if "StreamSpecification" in t}
    assert streamed == {names.table("sitegen")} | {
        names.table(k) for k, t in platform.manifest.tables.items() if t.streams
    }


def table_id(templates: dict[str, dict[str, Any]], key: str, platform: Platform) -> str:
    names = Names(platform.manifest, platform.settings.resource_prefix)
    return logical_id(templates["data"], "AWS::DynamoDB::Table", "TableName", names.table(key))


def test_host_mirror_reads_only_host_items_of_the_stream_and_writes_only_the_key_value_store(
    platform, templates
):
    mirror, prefix = templates["mirror"], platform.settings.resource_prefix
    fn_id = logical_id(mirror, "AWS::Lambda::Function", "FunctionName", f"{prefix}host-mirror")
    fn = resources(mirror, "AWS::Lambda::Function")[fn_id]
    assert fn["Runtime"].startswith("python3.") and fn["Handler"] == "kvs_mirror.handler"
    kvs_arn = flat(fn["Environment"]["Variables"]["WEBDPRO_KVS_ARN"])

    (esm,) = resources(mirror, "AWS::Lambda::EventSourceMapping").values()
    assert esm["FunctionName"] == {"Ref": fn_id}
    # sitegen's table's stream, from the data stack.
    assert esm["EventSourceArn"] == {
        "Fn::ImportValue": next(
            o["Export"]["Name"]
            for o in templates["data"]["Outputs"].values()
            if o["Value"] == {"Fn::GetAtt": [table_id(templates, "sitegen", platform), "StreamArn"]}
        )
    }
    assert esm["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert esm["ParallelizationFactor"] == 1 and esm["StartingPosition"] == "TRIM_HORIZON"
    assert "OnFailure" in esm["DestinationConfig"]
    (pattern,) = [json.loads(f["Pattern"]) for f in esm["FilterCriteria"]["Filters"]]
    assert pattern == {"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "HOST#"}]}}}}

    role_id = fn["Role"]["Fn::GetAtt"][0]
    statements = [
        st
        for props in resources(mirror, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in props["Roles"]
        for st in props["PolicyDocument"]["Statement"]
    ]
    by_action: dict[str, list[str]] = {}
    for st in statements:
        assert st["Effect"] == "Allow"
        for action in as_list(st["Action"]):
            by_action.setdefault(action, []).extend(flat(r) for r in as_list(st["Resource"]))
    kvs = {a for a in by_action if a.startswith("cloudfront-keyvaluestore:")}
    assert kvs == {
        "cloudfront-keyvaluestore:DescribeKeyValueStore",
        "cloudfront-keyvaluestore:PutKey",
        "cloudfront-keyvaluestore:DeleteKey",
    }
    assert all(by_action[a] == [kvs_arn] for a in kvs)
    # The stream of the one table, read only; the dead-letter queue; nothing else.
    stream = flat(esm["EventSourceArn"])
    for a in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"):
        assert by_action.pop(a) == [stream]
    assert by_action.pop("dynamodb:ListStreams") == ["*"]
    for a in kvs:
        by_action.pop(a)
    dlq_id = logical_id(mirror, "AWS::SQS::Queue", "QueueName", f"{prefix}host-mirror-failed")
    assert {a.split(":")[0] for a in by_action} == {"sqs"}
    assert all(r == [f"${{{dlq_id}.Arn}}"] for r in by_action.values()), by_action
    # Logs only through the basic execution managed policy; no other managed policy.
    role = resources(mirror, "AWS::IAM::Role")[role_id]
    assert [flat(p).rsplit("/", 1)[-1] for p in role["ManagedPolicyArns"]] == ["AWSLambdaBasicExecutionRole"]
    # The store is the edge's own, carried across regions.
    store_id = next(iter(resources(templates["edge"], "AWS::CloudFront::KeyValueStore")))
    assert kvs_arn.startswith("${ExportsReader") and f"FnGetAtt{store_id}Arn" in kvs_arn
