"""The services stack: one Fargate service per service of the manifest, each with a task role that reaches only
what that service owns, behind one internal load balancer that API Gateway reaches through a VPC link.

- The service list comes from the manifest (`wiring.services`): a service with a table or a queue is deployed.
- Each service is its own CloudFormation parameter (`<Service>ImageTag`): deploying one service is changing one
  image tag, never touching another's task definition.
- Services call each other (`/internal/` routes, with a service token) through Cloud Map names
  (`http://catalog.webdpro.internal:8080`); the load balancer refuses `/api/*/internal/*` outright, so no path
  from API Gateway reaches them.
- Resource ARNs are built from the manifest's names rather than imported from the data stack: a service's role
  names exactly its own table, topic and queue, and the data stack can change without re-deploying the services.
"""

from __future__ import annotations

import zlib

from aws_cdk import ArnFormat, Aws, CfnParameter, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_servicediscovery as servicediscovery
from constructs import Construct

from webdpro_aws.manifest import Manifest, Names
from webdpro_infra import wiring
from webdpro_infra.settings import EDGE_REGION, InfraSettings

PROBLEM = "application/problem+json"

DYNAMODB_DATA_ACTIONS = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:UpdateItem",
]


def not_found(detail: str) -> elbv2.ListenerAction:
    body = f'{{"type":"about:blank","title":"Not found","status":404,"code":"NOT_FOUND","detail":"{detail}"}}'
    return elbv2.ListenerAction.fixed_response(404, content_type=PROBLEM, message_body=body)


def rule_priority(service: str) -> int:
    # Stable per service (not its position in a list): CloudFormation creates a changed rule before deleting the
    # old one, and two rules may not share a priority, so priorities must not shift when a service is added.
    return 100 + zlib.crc32(service.encode()) % 40_000


class ServicesStack(Stack):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        settings: InfraSettings,
        manifest: Manifest,
        user_pool_arns: dict[str, str],
        **kwargs,
    ) -> None:
        super().__init__(scope, cid, **kwargs)
        self.settings = settings
        self.manifest = manifest
        self.names = Names(manifest, settings.resource_prefix)
        self.user_pool_arns = user_pool_arns
        prefix = settings.resource_prefix

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=1,  # Razorpay, the registrar and Bedrock are reached over the internet
            subnet_configuration=[
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(
                    name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
                ),
            ],
        )
        # DynamoDB and S3 traffic stays on AWS's network, and costs no NAT.
        self.vpc.add_gateway_endpoint("DynamoDb", service=ec2.GatewayVpcEndpointAwsService.DYNAMODB)
        self.vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)

        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=self.vpc,
            cluster_name=f"{prefix}services",
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        self.namespace = servicediscovery.PrivateDnsNamespace(
            self, "Namespace", name=self.namespace_name, vpc=self.vpc
        )

        # The front door: API Gateway's VPC link → the internal load balancer → each service's tasks.
        self.link_security_group = ec2.SecurityGroup(
            self, "ApiLink", vpc=self.vpc, description="API Gateway VPC link"
        )
        alb_sg = ec2.SecurityGroup(
            self, "Alb", vpc=self.vpc, description="Internal ALB", allow_all_outbound=True
        )
        alb_sg.add_ingress_rule(self.link_security_group, ec2.Port.tcp(80), "from API Gateway only")
        self.tasks_security_group = ec2.SecurityGroup(
            self, "Tasks", vpc=self.vpc, description="Service tasks"
        )
        port = ec2.Port.tcp(wiring.CONTAINER_PORT)
        self.tasks_security_group.add_ingress_rule(alb_sg, port, "from the load balancer")
        self.tasks_security_group.add_ingress_rule(self.tasks_security_group, port, "service to service")

        self.alb = elbv2.ApplicationLoadBalancer(
            self, "Alb-", vpc=self.vpc, internet_facing=False, security_group=alb_sg
        )
        self.listener = self.alb.add_listener(
            "Http", port=80, open=False, default_action=not_found("No such service")
        )
        self.listener.add_action(
            "RefuseInternal",
            priority=1,
            conditions=[elbv2.ListenerCondition.path_patterns(["/api/*/internal/*"])],
            action=not_found("No route"),
        )

        self.services = wiring.services(manifest)
        self.roles: dict[str, iam.Role] = {}
        self.fargate: dict[str, ecs.FargateService] = {}
        for service in self.services:
            self._service(service)

    @property
    def namespace_name(self) -> str:
        return self.settings.resource_prefix.strip("-").replace("-", ".") + ".internal"

    def internal_url(self, service: str) -> str:
        return f"http://{service}.{self.namespace_name}:{wiring.CONTAINER_PORT}"

    def _service(self, service: str) -> None:
        s = self.settings
        prefix = s.resource_prefix
        camel = "".join(p.capitalize() for p in service.split("_"))

        role = iam.Role(
            self,
            f"TaskRole-{service}",
            role_name=task_role_name(prefix, service),  # a known name: the edge stack attaches to sitegen's
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description=f"The {service} service's own resources, nothing else",
        )
        iam.Policy(
            self,
            f"Access-{service}",
            policy_name=f"{prefix}{service}-access",
            roles=[role],
            statements=self.access_statements(service),
        )
        self.roles[service] = role

        tag = CfnParameter(self, f"{camel}ImageTag", default="latest", description=f"{service} image tag")
        repo = ecr.Repository.from_repository_name(self, f"Repo-{service}", f"{prefix.rstrip('-')}/{service}")
        task = ecs.FargateTaskDefinition(
            self,
            f"Task-{service}",
            family=f"{prefix}{service}",
            cpu=512,
            memory_limit_mib=1024,
            task_role=role,
        )
        log_group = logs.LogGroup(
            self,
            f"Logs-{service}",
            log_group_name=f"/{prefix}services/{service}",
            retention=logs.RetentionDays.ONE_MONTH,
        )
        others = {f"WEBDPRO_{o.upper()}_URL": self.internal_url(o) for o in self.services if o != service}
        secrets = {
            secret.env: ecs.Secret.from_secrets_manager(
                secretsmanager.Secret.from_secret_name_v2(
                    self, f"Secret-{service}-{secret.env}", f"{prefix}{secret.name}"
                )
            )
            for secret in s.container_secrets(service)
        }
        task.add_container(
            service,
            image=ecs.ContainerImage.from_ecr_repository(repo, tag=tag.value_as_string),
            port_mappings=[ecs.PortMapping(container_port=wiring.CONTAINER_PORT)],
            logging=ecs.LogDrivers.aws_logs(stream_prefix=service, log_group=log_group),
            environment={
                "WEBDPRO_ENV": "prod",
                "WEBDPRO_SERVICE": service,
                "WEBDPRO_HOST": "0.0.0.0",
                "WEBDPRO_PORT": str(wiring.CONTAINER_PORT),
                "AWS_DEFAULT_REGION": Aws.REGION,
                "WEBDPRO_RESOURCE_PREFIX": prefix,
                "WEBDPRO_PLATFORM_DOMAIN": s.platform_domain,
                "WEBDPRO_MAIL_FROM": f"no-reply@{s.platform_domain}",
                "WEBDPRO_TOKEN_ISSUER": f"https://auth.{s.platform_domain}",
                "WEBDPRO_JWKS_URL": f"{self.internal_url('auth')}/api/auth/.well-known/jwks.json",
                **others,
            },
            secrets=secrets or None,
            health_check=ecs.HealthCheck(
                command=["CMD", "python", "/app/bin/healthcheck.py", f"/api/{service}/healthz"],
                interval=Duration.seconds(15),
                start_period=Duration.seconds(30),
            ),
        )
        fargate = ecs.FargateService(
            self,
            f"Service-{service}",
            service_name=f"{prefix}{service}",
            cluster=self.cluster,
            task_definition=task,
            desired_count=s.desired_count,
            security_groups=[self.tasks_security_group],
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            circuit_breaker=ecs.DeploymentCircuitBreaker(rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
            cloud_map_options=ecs.CloudMapOptions(
                name=service, cloud_map_namespace=self.namespace, container_port=wiring.CONTAINER_PORT
            ),
        )
        target_group = elbv2.ApplicationTargetGroup(
            self,
            f"Targets-{service}",
            vpc=self.vpc,
            port=wiring.CONTAINER_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            targets=[fargate],
            deregistration_delay=Duration.seconds(30),
            health_check=elbv2.HealthCheck(path=f"/api/{service}/healthz", healthy_http_codes="200"),
        )
        self.listener.add_target_groups(
            f"Route-{service}",
            priority=rule_priority(service),
            conditions=[elbv2.ListenerCondition.path_patterns([f"/api/{service}", f"/api/{service}/*"])],
            target_groups=[target_group],
        )
        self.fargate[service] = fargate

    # ---- what a task role may touch -------------------------------------------------------------------------
    def access_statements(self, service: str) -> list[iam.PolicyStatement]:
        m, n, prefix = self.manifest, self.names, self.settings.resource_prefix
        statements: list[iam.PolicyStatement] = []

        def allow(sid: str, actions: list[str], resources: list[str]) -> None:
            statements.append(iam.PolicyStatement(sid=sid, actions=actions, resources=resources))

        tables = wiring.owned_tables(m, service)
        if tables:
            arns = [
                self.format_arn(service="dynamodb", resource="table", resource_name=n.table(t))
                for t in tables
            ]
            allow("OwnTables", DYNAMODB_DATA_ACTIONS, arns + [f"{a}/index/*" for a in arns])
            streams = [a for a, t in zip(arns, tables, strict=True) if m.tables[t].streams]
            if streams:
                allow(
                    "OwnTableStreams",
                    ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                    [f"{a}/stream/*" for a in streams],
                )
        topics = wiring.owned_topics(m, service)
        if topics:
            allow("PublishOwnTopic", ["sns:Publish"], [self._regional("sns", n.topic(t)) for t in topics])
        queues = wiring.owned_queues(m, service)
        if queues:
            allow(
                "ConsumeOwnQueue",
                [
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueUrl",
                    "sqs:GetQueueAttributes",
                ],
                [self._regional("sqs", n.queue(q)) for q in queues],
            )
            # A permanent failure is moved to the DLQ by the consumer itself.
            allow(
                "DeadLetterOwnQueue",
                ["sqs:SendMessage", "sqs:GetQueueUrl"],
                [self._regional("sqs", n.dlq(q)) for q in queues],
            )
        owned = [k for k in m.buckets if service in wiring.BUCKET_USERS.get(k, ())]
        for key in owned:
            arn = self.format_arn(
                service="s3",
                region="",
                account="",
                resource=n.bucket(key),
                arn_format=ArnFormat.NO_RESOURCE_NAME,
            )
            writes = (
                ["s3:PutObject"] if key in wiring.APPEND_ONLY_BUCKETS else ["s3:PutObject", "s3:DeleteObject"]
            )
            allow(f"Bucket{key.capitalize()}Objects", ["s3:GetObject", *writes], [f"{arn}/*"])
            allow(f"Bucket{key.capitalize()}List", ["s3:ListBucket"], [arn])
        # Own secrets (`<service>/…`): read, and write for the ones the service creates or rotates itself.
        if wiring.owned_secrets(m, service):
            allow(
                "OwnSecrets",
                [
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:CreateSecret",
                    "secretsmanager:PutSecretValue",
                ],
                [self._secret_arn(f"{prefix}{service}/*")],
            )
        if wiring.shared_secrets(m):
            allow(
                "SharedSecrets",
                ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                [self._secret_arn(f"{prefix}{wiring.SHARED_SECRET_PREFIX}*")],
            )
        if service in wiring.EMAIL_SENDERS and m.ses.identities:
            allow(
                "SendEmail",
                ["ses:SendEmail", "ses:SendRawEmail"],
                [
                    self.format_arn(service="ses", resource="identity", resource_name=d)
                    for d in m.ses.identities
                ],
            )
        if service in wiring.SMS_SENDERS:
            # SMS goes to a phone number, which has no ARN; NotResource on every topic ARN keeps this statement
            # from ever allowing a publish to a topic (those are limited to the service's own, above).
            statements.append(
                iam.PolicyStatement(
                    sid="SendSms", actions=["sns:Publish"], not_resources=[f"arn:{Aws.PARTITION}:sns:*:*:*"]
                )
            )
        if service in wiring.USER_POOL_ADMINS and self.user_pool_arns:
            allow(
                "MirrorUsers",
                [
                    "cognito-idp:AdminCreateUser",
                    "cognito-idp:AdminGetUser",
                    "cognito-idp:AdminUpdateUserAttributes",
                    "cognito-idp:AdminAddUserToGroup",
                    "cognito-idp:AdminRemoveUserFromGroup",
                    "cognito-idp:AdminDisableUser",
                    "cognito-idp:AdminEnableUser",
                ],
                list(self.user_pool_arns.values()),
            )
            allow("FindUserPool", ["cognito-idp:ListUserPools"], ["*"])  # a list action has no resource
        if service in wiring.MODEL_USERS:
            allow(
                "InvokeModels",
                ["bedrock:InvokeModel"],
                [f"arn:{Aws.PARTITION}:bedrock:{Aws.REGION}::foundation-model/*"],
            )
        if service == wiring.EDGE_PUBLISHER:
            statements.extend(self._publisher_statements())
        return statements

    def _publisher_statements(self) -> list[iam.PolicyStatement]:
        """What the publish saga calls at run time to take a custom domain live, and nothing more: the domain's
        hosted zone and records (Route 53), its certificate (ACM in us-east-1, where CloudFront takes certificates
        from), its distribution (CloudFront), plus the edge's ids to build that distribution from (SSM). No
        iam:PassRole: none of these resources takes a role. The host → release switch is a write to sitegen's own
        table (the host mirror copies it to the edge), so sitegen has no right on the key value store."""
        part, acct = Aws.PARTITION, Aws.ACCOUNT_ID
        edge_params = f"arn:{part}:ssm:{EDGE_REGION}:{acct}:parameter/{self.settings.resource_prefix}edge/*"
        return [
            iam.PolicyStatement(
                sid="CustomDomainZones",
                actions=list(wiring.PUBLISHER_ZONE_ACTIONS),
                resources=[f"arn:{part}:route53:::hostedzone/*"],
            ),
            iam.PolicyStatement(
                sid="CustomDomainZoneCreate",
                # CreateHostedZone and ListHostedZonesByName (finding the zone a retried step made) have no
                # resource-level permission.
                actions=["route53:CreateHostedZone", "route53:ListHostedZonesByName"],
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="CustomDomainCertificates",
                actions=list(wiring.PUBLISHER_CERTIFICATE_ACTIONS),
                resources=[f"arn:{part}:acm:{EDGE_REGION}:{acct}:certificate/*"],
            ),
            iam.PolicyStatement(
                sid="CustomDomainDistributions",
                actions=list(wiring.PUBLISHER_DISTRIBUTION_ACTIONS),
                resources=[f"arn:{part}:cloudfront::{acct}:distribution/*"],
            ),
            iam.PolicyStatement(
                sid="EdgeSettings",
                actions=["ssm:GetParameter", "ssm:GetParametersByPath"],
                resources=[edge_params],
            ),
        ]

    def _regional(self, service: str, name: str) -> str:
        return self.format_arn(service=service, resource=name, arn_format=ArnFormat.NO_RESOURCE_NAME)

    def _secret_arn(self, pattern: str) -> str:
        return self.format_arn(
            service="secretsmanager",
            resource="secret",
            resource_name=pattern,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )


def task_role_name(prefix: str, service: str) -> str:
    return f"{prefix}{service}-task"
