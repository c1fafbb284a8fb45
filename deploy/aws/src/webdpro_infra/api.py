"""The API stack: one HTTP API in front of every service — `ANY /api/<service>/{proxy+}` through a VPC link to
the internal load balancer — with throttling and the dashboards' CORS. It is what the local gateway does on a
laptop. No route is ever made for `/api/<service>/internal/…` (and the load balancer refuses those paths too).

CloudFront forwards `/api/*` of every store's host here, so a published site calls the APIs on its own origin."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from webdpro_infra.services import ServicesStack
from webdpro_infra.settings import InfraSettings


class ApiStack(Stack):
    def __init__(
        self, scope: Construct, cid: str, *, settings: InfraSettings, services: ServicesStack, **kwargs
    ) -> None:
        super().__init__(scope, cid, **kwargs)
        link = apigw.VpcLink(
            self,
            "VpcLink",
            vpc=services.vpc,
            subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[services.link_security_group],
        )
        self.api = apigw.HttpApi(
            self,
            "HttpApi",
            api_name=f"{settings.resource_prefix}api",
            create_default_stage=False,
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=list(settings.origins),
                allow_methods=[apigw.CorsHttpMethod.ANY],
                allow_headers=["authorization", "content-type", "idempotency-key", "x-request-id"],
                expose_headers=["x-request-id", "retry-after"],
                allow_credentials=True,
                max_age=Duration.hours(1),
            ),
        )
        # Per-client limits (OTP sends, tries) are the services' own; this caps the whole API.
        self.api.add_stage(
            "Stage",
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(
                rate_limit=settings.api_rate_limit, burst_limit=settings.api_burst_limit
            ),
        )
        to_services = integrations.HttpAlbIntegration("Services", services.listener, vpc_link=link)
        for service in services.services:
            self.api.add_routes(
                path=f"/api/{service}/{{proxy+}}", methods=[apigw.HttpMethod.ANY], integration=to_services
            )
        # CloudFront's origin for `/api/*`: the API's own host name (no custom domain needed behind the CDN).
        self.origin_domain = f"{self.api.api_id}.execute-api.{self.region}.{self.url_suffix}"
        CfnOutput(self, "ApiEndpoint", value=self.api.api_endpoint)
