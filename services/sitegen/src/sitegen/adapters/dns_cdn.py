"""Route 53, ACM and CloudFront for a custom domain, through the process's aiobotocore clients (`AwsClients`).

Every call is written to be repeated safely, because the publish saga runs a step again after a crash or a lost
answer:
- hosted zone: found again by its name and CallerReference before one is created (Route 53 refuses a repeated
  CallerReference with HostedZoneAlreadyExists, and the local emulator does not check it at all);
- records: UPSERT only;
- certificate: ACM's IdempotencyToken (an hour) plus the ARN the step records;
- distribution: CloudFront's CallerReference; a repeat (DistributionAlreadyExists) is resolved to the distribution
  that holds that reference.

ACM certificates used by CloudFront must live in us-east-1, whatever region the service runs in: `acm` is a
second `AwsClients` whose region is us-east-1. Route 53 and CloudFront are global.

Errors: `DnsCdnError(retryable=…)` — throttling, 5xx, timeouts and connection errors are retryable; validation
and other client errors are not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import msgspec
from botocore.exceptions import BotoCoreError, ClientError

from webdpro_aws.clients import AwsClients
from webdpro_core.settings import BaseSettings

CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"  # the hosted zone id every CloudFront alias target names
CACHE_POLICY_USE_ORIGIN_HEADERS = (
    "83da9c7e-98b4-4e11-a168-04f0df8e2c65"  # Managed-UseOriginCacheControlHeaders
)
ORIGIN_HOST_HEADER = "x-webdpro-host"
_RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "PriorRequestNotComplete",  # Route 53: a change on the zone is still being applied
        "ServiceUnavailable",
        "InternalFailure",
        "InternalError",
        "ServiceException",
    }
)


class DnsCdnError(Exception):
    def __init__(self, message: str, *, retryable: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code


def _classify(what: str, exc: Exception) -> DnsCdnError:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or "")
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        retryable = code in _RETRYABLE_CODES or status >= 500 or status == 429
        return DnsCdnError(
            f"{what}: {code or status} {err.get('Message', '')}".strip(), retryable=retryable, code=code
        )
    return DnsCdnError(f"{what}: {type(exc).__name__}: {exc}", retryable=True)  # connection errors, timeouts


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code") or "")


def idempotency_token(*parts: str) -> str:
    """ACM's IdempotencyToken: at most 32 word characters, the same for the same parts."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class DnsCdn:
    def __init__(self, clients: AwsClients, acm_clients: AwsClients | None = None) -> None:
        self.clients = clients
        self.acm_clients = acm_clients or clients
        self._own_acm = acm_clients is not None

    @classmethod
    def for_settings(cls, settings: BaseSettings, clients: AwsClients) -> DnsCdn:
        """Route 53 / CloudFront through `clients`, ACM through an own us-east-1 client set (closed by `close`)."""
        if settings.aws_region == "us-east-1":
            return cls(clients)
        return cls(clients, AwsClients(msgspec.structs.replace(settings, aws_region="us-east-1")))

    async def close(self) -> None:
        if self._own_acm:
            await self.acm_clients.close()

    # ---- Route 53 -----------------------------------------------------------------------------------------

    async def ensure_zone(self, host: str, caller_reference: str) -> tuple[str, list[str]]:
        """The public hosted zone for `host` created with `caller_reference` (created when there is none):
        (zone id without the /hostedzone/ prefix, its nameservers)."""
        r53 = await self.clients.get("route53")
        name = host.rstrip(".") + "."
        try:
            found = await self._zone_by_reference(r53, name, caller_reference)
            if found is None:
                try:
                    await r53.create_hosted_zone(
                        Name=name,
                        CallerReference=caller_reference,
                        HostedZoneConfig={"Comment": f"webdpro {host}", "PrivateZone": False},
                    )
                except ClientError as exc:
                    if _code(exc) != "HostedZoneAlreadyExists":
                        raise
                found = await self._zone_by_reference(r53, name, caller_reference)
                if found is None:
                    raise DnsCdnError(f"hosted zone for {host} not found after creating it", retryable=True)
            zone = await r53.get_hosted_zone(Id=found)
        except DnsCdnError:
            raise
        except (ClientError, BotoCoreError) as exc:
            raise _classify(f"hosted zone for {host}", exc) from exc
        servers = [s.rstrip(".").lower() for s in zone.get("DelegationSet", {}).get("NameServers", [])]
        return found, servers

    async def _zone_by_reference(self, r53: Any, name: str, caller_reference: str) -> str | None:
        page = await r53.list_hosted_zones_by_name(DNSName=name, MaxItems="100")
        for z in page.get("HostedZones", []):
            if z["Name"] == name and z.get("CallerReference") == caller_reference:
                return z["Id"].rsplit("/", 1)[-1]
        return None

    async def upsert_records(
        self, zone_id: str, records: Sequence[dict[str, Any]], comment: str = ""
    ) -> None:
        """UPSERT whole record sets (`{"Name", "Type", "TTL", "ResourceRecords"}` or alias sets)."""
        if not records:
            return
        r53 = await self.clients.get("route53")
        try:
            await r53.change_resource_record_sets(
                HostedZoneId=zone_id,
                ChangeBatch={
                    "Comment": comment or "webdpro",
                    "Changes": [{"Action": "UPSERT", "ResourceRecordSet": dict(r)} for r in records],
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise _classify(f"records in zone {zone_id}", exc) from exc

    async def record_sets(self, zone_id: str) -> list[dict[str, Any]]:
        r53 = await self.clients.get("route53")
        out: list[dict[str, Any]] = []
        try:
            async for page in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id):
                out.extend(page.get("ResourceRecordSets", []))
        except (ClientError, BotoCoreError) as exc:
            raise _classify(f"records of zone {zone_id}", exc) from exc
        return out

    # ---- ACM ----------------------------------------------------------------------------------------------

    async def request_certificate(
        self, host: str, sans: Sequence[str], token: str, tags: dict[str, str]
    ) -> str:
        acm = await self.acm_clients.get("acm")
        try:
            r = await acm.request_certificate(
                DomainName=host,
                SubjectAlternativeNames=[host, *[s for s in sans if s != host]],
                ValidationMethod="DNS",
                IdempotencyToken=token,
                Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())],
            )
        except (ClientError, BotoCoreError) as exc:
            raise _classify(f"certificate for {host}", exc) from exc
        return str(r["CertificateArn"])

    async def certificate(self, arn: str) -> dict[str, Any]:
        """ACM's description: `Status`, `DomainValidationOptions[].ResourceRecord` ({Name, Type, Value})."""
        acm = await self.acm_clients.get("acm")
        try:
            r = await acm.describe_certificate(CertificateArn=arn)
        except (ClientError, BotoCoreError) as exc:
            raise _classify(f"certificate {arn}", exc) from exc
        return dict(r["Certificate"])

    # ---- CloudFront ---------------------------------------------------------------------------------------

    async def ensure_distribution(
        self, *, caller_reference: str, aliases: Sequence[str], certificate_arn: str, origin: str, host: str
    ) -> tuple[str, str]:
        """The distribution for `aliases` (created once per `caller_reference`): (id, its *.cloudfront.net name)."""
        cf = await self.clients.get("cloudfront")
        config = distribution_config(
            caller_reference=caller_reference,
            aliases=aliases,
            certificate_arn=certificate_arn,
            origin=origin,
            host=host,
        )
        try:
            try:
                r = await cf.create_distribution(DistributionConfig=config)
            except ClientError as exc:
                if _code(exc) != "DistributionAlreadyExists":
                    raise
                dist_id = await self._distribution_by_reference(cf, caller_reference, exc)
                r = await cf.get_distribution(Id=dist_id)
        except DnsCdnError:
            raise
        except (ClientError, BotoCoreError) as exc:
            raise _classify(f"distribution for {host}", exc) from exc
        d = r["Distribution"]
        return str(d["Id"]), str(d["DomainName"])

    async def _distribution_by_reference(self, cf: Any, reference: str, exc: ClientError) -> str:
        message = str(exc.response.get("Error", {}).get("Message") or "")
        if "Already exists:" in message:  # CloudFront names the distribution holding the reference
            return message.rsplit("Already exists:", 1)[1].strip().split()[0].rstrip(".")
        async for page in cf.get_paginator("list_distributions").paginate():
            for item in page.get("DistributionList", {}).get("Items", []) or []:
                got = await cf.get_distribution_config(Id=item["Id"])
                if got["DistributionConfig"].get("CallerReference") == reference:
                    return str(item["Id"])
        raise DnsCdnError(f"no distribution holds caller reference {reference}", retryable=False)


def distribution_config(
    *, caller_reference: str, aliases: Sequence[str], certificate_arn: str, origin: str, host: str
) -> dict[str, Any]:
    """A distribution in front of the edge service: the custom domain's names, its ACM certificate (SNI, TLS 1.2),
    HTTPS to the origin, which learns the store's host from the `x-webdpro-host` origin header (CloudFront sends
    the origin's own name as Host). Caching follows the edge's Cache-Control (immutable assets, short HTML)."""
    origin_id = "webdpro-edge"
    return {
        "CallerReference": caller_reference,
        "Aliases": {"Quantity": len(aliases), "Items": list(aliases)},
        "Comment": f"webdpro store {host}",
        "Enabled": True,
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
        "PriceClass": "PriceClass_200",  # includes India's edge locations
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": origin_id,
                    "DomainName": origin,
                    "CustomHeaders": {
                        "Quantity": 1,
                        "Items": [{"HeaderName": ORIGIN_HOST_HEADER, "HeaderValue": host}],
                    },
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": origin_id,
            "ViewerProtocolPolicy": "redirect-to-https",
            "Compress": True,
            "CachePolicyId": CACHE_POLICY_USE_ORIGIN_HEADERS,
            "AllowedMethods": {
                "Quantity": 2,
                "Items": ["GET", "HEAD"],
                "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
            },
        },
        "ViewerCertificate": {
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
            "CloudFrontDefaultCertificate": False,
        },
    }


def alias_records(names: Sequence[str], distribution_domain: str) -> list[dict[str, Any]]:
    """A and AAAA alias record sets: each name → the distribution."""
    target = {
        "HostedZoneId": CLOUDFRONT_ZONE_ID,
        "DNSName": distribution_domain.rstrip(".") + ".",
        "EvaluateTargetHealth": False,
    }
    return [
        {"Name": n.rstrip(".") + ".", "Type": t, "AliasTarget": dict(target)}
        for n in names
        for t in ("A", "AAAA")
    ]
