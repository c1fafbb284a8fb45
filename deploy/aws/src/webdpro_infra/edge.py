"""The edge stack: the publish path's serving side, in us-east-1 (CloudFront takes certificates only from there;
its functions, key value stores and distributions are global).

- The sites bucket (data stack, platform region) behind CloudFront with an Origin Access Control; the bucket's
  own policy lets this account's distributions read live releases only (`stores/*/releases/*`): a release is the
  publish saga's build of a draft, `stores/<storeId>/releases/v<NNNNNN>/<path>`; drafts (`stores/<id>/v<N>/…`)
  are never served by the CDN.
- A CloudFront Function on viewer request maps Host → the store's current release prefix from a key value store
  (see edge_function.js). The store is a copy: the host map in sitegen's table is the source of truth, and the host
  mirror (host_mirror.py, kvs_mirror.py) copies each change to it from the table's stream.
- Behaviours: HTML and every other file short-lived (60 s), a year and `immutable` for hashed assets only
  (`assets/<name>.<hex>.css|js`: a new content is a new name), compression, and `/api/*` passed to the HTTP API
  uncached, so a store calls the APIs on its own origin.
- The platform distribution answers `*.<platform domain>` with the wildcard certificate; each custom domain gets
  its own zone, certificate and distribution: a distribution holds a single certificate, and a merchant's domain
  must not wait for a shared certificate to be re-issued.

`CustomDomain` and the publish saga: a domain a merchant buys in the app is NOT deployed from here. sitegen's
publish saga creates the same resources through the APIs at publish time — the hosted zone and its records
(Route 53), the certificate with DNS validation (ACM, us-east-1), a distribution built like `EdgeSite.distribution`
from the ids in the SSM parameters `/<prefix>edge/*`, its alias records — with the task-role rights listed in
services.py (`_publisher_statements`). `CustomDomain` is the infrastructure-as-code description of exactly that
set, used for platform-owned domains (`custom_domains` setting) and as the reference the saga's calls follow.
"""

from __future__ import annotations

import re
from pathlib import Path

from aws_cdk import Annotations, CfnOutput, Duration, Fn, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from webdpro_aws.manifest import Manifest, Names
from webdpro_infra import wiring
from webdpro_infra.settings import InfraSettings

FUNCTION_CODE = Path(__file__).with_name("edge_function.js")
HOSTNAME = re.compile(
    r"^(?=.{4,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.[a-z]{2,63}$"
)
HTML_MAX_AGE = Duration.seconds(60)
ASSET_MAX_AGE = Duration.days(365)
# sitegen names its stylesheet and script by content (`assets/styles.<10 hex>.css`, `assets/app.<10 hex>.js`);
# CloudFront path patterns know only `*` and `?`, so "a 10-character segment before the extension" stands for the
# hash. Images keep stable names (Open Graph links them) and get the short HTML lifetime.
HASHED_ASSETS = ("/assets/*.??????????.css", "/assets/*.??????????.js")


class EdgeSite(Construct):
    """What every distribution of the publish path serves; shared by the platform's and each custom domain's."""

    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        settings: InfraSettings,
        manifest: Manifest,
        api_origin_domain: str,
    ) -> None:
        super().__init__(scope, cid)
        prefix = settings.resource_prefix
        names = Names(manifest, prefix)
        # Imported by its manifest name: the bucket lives in the platform's region, and its policy (data stack)
        # already grants this account's distributions read access, which CDK cannot add to an imported bucket.
        self.bucket = s3.Bucket.from_bucket_attributes(
            self, "SitesBucket", bucket_name=names.bucket(wiring.EDGE_BUCKET), region=settings.region
        )
        self.oac = cloudfront.S3OriginAccessControl(
            self,
            "SitesOac",
            origin_access_control_name=f"{prefix}sites",
            signing=cloudfront.Signing.SIGV4_ALWAYS,
        )
        self.hosts = cloudfront.KeyValueStore(
            self, "Hosts", key_value_store_name=f"{prefix}hosts", comment="host → live release prefix"
        )
        self.function = cloudfront.Function(
            self,
            "HostRouter",
            function_name=f"{prefix}host-router",
            comment="Host → the store's current release",
            code=cloudfront.FunctionCode.from_file(file_path=str(FUNCTION_CODE)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            key_value_store=self.hosts,
        )
        site = origins.S3BucketOrigin.with_origin_access_control(self.bucket, origin_access_control=self.oac)
        api = origins.HttpOrigin(
            api_origin_domain, protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        )

        def cache(cid: str, name: str, ttl: Duration, min_ttl: Duration) -> cloudfront.CachePolicy:
            return cloudfront.CachePolicy(
                self,
                cid,
                cache_policy_name=f"{prefix}{name}",
                default_ttl=ttl,
                max_ttl=ttl,
                min_ttl=min_ttl,
                enable_accept_encoding_gzip=True,
                enable_accept_encoding_brotli=True,
            )

        def headers(cid: str, name: str, cache_control: str) -> cloudfront.ResponseHeadersPolicy:
            return cloudfront.ResponseHeadersPolicy(
                self,
                cid,
                response_headers_policy_name=f"{prefix}{name}",
                custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                    custom_headers=[
                        cloudfront.ResponseCustomHeader(
                            header="Cache-Control", value=cache_control, override=True
                        )
                    ]
                ),
                security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                    content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                    strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                        access_control_max_age=Duration.days(365), include_subdomains=True, override=True
                    ),
                    referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                        referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                        override=True,
                    ),
                    frame_options=cloudfront.ResponseHeadersFrameOptions(
                        frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                    ),
                ),
            )

        # HTML (and any file whose name stays the same across releases, like images) is cached briefly so a switch
        # reaches every edge within a minute even for an old cache entry; hashed assets are a year and immutable.
        self.html_cache = cache("HtmlCache", "html", HTML_MAX_AGE, Duration.seconds(0))
        self.assets_cache = cache("AssetsCache", "assets", ASSET_MAX_AGE, Duration.days(1))
        html_headers = headers("HtmlHeaders", "html", f"public, max-age={HTML_MAX_AGE.to_seconds()}")
        asset_headers = headers(
            "AssetHeaders", "assets", f"public, max-age={ASSET_MAX_AGE.to_seconds()}, immutable"
        )
        route = [
            cloudfront.FunctionAssociation(
                function=self.function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
            )
        ]
        self.default_behavior = cloudfront.BehaviorOptions(
            origin=site,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=self.html_cache,
            response_headers_policy=html_headers,
            function_associations=route,
            compress=True,
        )
        immutable = cloudfront.BehaviorOptions(
            origin=site,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            cache_policy=self.assets_cache,
            response_headers_policy=asset_headers,
            function_associations=route,
            compress=True,
        )
        self.additional_behaviors = {
            **{pattern: immutable for pattern in HASHED_ASSETS},
            "/api/*": cloudfront.BehaviorOptions(
                origin=api,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                compress=True,
            ),
        }

    def distribution(
        self,
        scope: Construct,
        cid: str,
        *,
        domain_names: list[str],
        certificate: acm.ICertificate,
        comment: str,
    ) -> cloudfront.Distribution:
        distribution = cloudfront.Distribution(
            scope,
            cid,
            comment=comment,
            domain_names=domain_names,
            certificate=certificate,
            default_behavior=self.default_behavior,
            additional_behaviors=self.additional_behaviors,
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,  # includes India's edge locations
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        )
        # CDK cannot add the OAC grant to an imported bucket; the data stack's bucket policy already has it.
        Annotations.of(distribution).acknowledge_warning(
            "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac", "granted by the data stack"
        )
        return distribution


def alias_records(
    scope: Construct, zone: route53.IHostedZone, name: str, target: cloudfront.IDistribution
) -> None:
    alias = route53.RecordTarget.from_alias(route53_targets.CloudFrontTarget(target))
    cid = name.replace("*", "wildcard")
    route53.ARecord(scope, f"A-{cid}", zone=zone, record_name=name, target=alias)
    route53.AaaaRecord(scope, f"AAAA-{cid}", zone=zone, record_name=name, target=alias)


class CustomDomain(Construct):
    """A merchant's own domain: its Route 53 hosted zone (the registrar is pointed at its name servers), an ACM
    certificate for the apex and www validated by DNS in that zone, a distribution that answers both names, and
    alias records to it. sitegen does the same at run time through the APIs for a domain bought in the app; this
    construct is the declarative form, for domains managed as code and as the reference for that code."""

    def __init__(self, scope: Construct, cid: str, *, domain: str, site: EdgeSite) -> None:
        domain = domain.strip().lower().rstrip(".")
        if not HOSTNAME.match(domain):
            raise ValueError(f"not a domain name: {domain!r}")
        super().__init__(scope, cid)
        self.domain = domain
        names = [domain, f"www.{domain}"]
        self.zone = route53.PublicHostedZone(self, "Zone", zone_name=domain)
        self.certificate = acm.Certificate(
            self,
            "Certificate",
            domain_name=domain,
            subject_alternative_names=names[1:],
            validation=acm.CertificateValidation.from_dns(self.zone),
        )
        self.distribution = site.distribution(
            self,
            "Distribution",
            domain_names=names,
            certificate=self.certificate,
            comment=f"store at {domain}",
        )
        for name in names:
            alias_records(self, self.zone, name, self.distribution)
        CfnOutput(self, "NameServers", value=Fn.join(",", self.zone.hosted_zone_name_servers or []))


class EdgeStack(Stack):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        settings: InfraSettings,
        manifest: Manifest,
        zone: route53.IHostedZone,
        api_origin_domain: str,
        **kwargs,
    ) -> None:
        super().__init__(scope, cid, **kwargs)
        prefix, domain = settings.resource_prefix, settings.platform_domain
        self.site = EdgeSite(
            self, "Site", settings=settings, manifest=manifest, api_origin_domain=api_origin_domain
        )
        # Every store's free subdomain is covered by one wildcard certificate, validated in the platform zone.
        self.certificate = acm.Certificate(
            self,
            "Wildcard",
            domain_name=f"*.{domain}",
            validation=acm.CertificateValidation.from_dns(zone),
        )
        self.distribution = self.site.distribution(
            self,
            "Stores",
            domain_names=[f"*.{domain}"],
            certificate=self.certificate,
            comment=f"stores at *.{domain}",
        )
        alias_records(self, zone, f"*.{domain}", self.distribution)
        self.custom_domains = [
            CustomDomain(self, f"Domain-{d}", domain=d, site=self.site) for d in settings.custom_domains
        ]

        # What sitegen needs at run time to give a bought domain the same distribution as CustomDomain builds.
        params = {
            "key-value-store-arn": self.site.hosts.key_value_store_arn,
            "function-arn": self.site.function.function_arn,
            "origin-access-control-id": self.site.oac.origin_access_control_id,
            "html-cache-policy-id": self.site.html_cache.cache_policy_id,
            "assets-cache-policy-id": self.site.assets_cache.cache_policy_id,
            "sites-origin-domain": self.site.bucket.bucket_regional_domain_name,
            "api-origin-domain": api_origin_domain,
            "distribution-id": self.distribution.distribution_id,
        }
        for key, value in params.items():
            ssm.StringParameter(
                self, f"Param-{key}", parameter_name=f"/{prefix}edge/{key}", string_value=value
            )

        CfnOutput(self, "DistributionDomain", value=self.distribution.distribution_domain_name)
