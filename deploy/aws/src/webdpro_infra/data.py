"""The data stack: every table, topic, queue (+ DLQ and subscriptions), bucket, secret, user pool and SES identity
of the platform, generated from the resource manifest — the file local provisioning reads — so nothing is
listed twice. Also the platform's hosted zone and the EventBridge schedules that feed the scheduler topic.

Everything here is long-lived state: tables, buckets, the user pool and secrets are retained when the stack is
deleted, and tables have deletion protection and point-in-time recovery."""

from __future__ import annotations

import json

from aws_cdk import Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, TimeZone
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from webdpro_aws.manifest import Manifest, Names
from webdpro_infra import wiring
from webdpro_infra.settings import InfraSettings


class DataStack(Stack):
    def __init__(
        self, scope: Construct, cid: str, *, settings: InfraSettings, manifest: Manifest, **kwargs
    ) -> None:
        super().__init__(scope, cid, **kwargs)
        self.names = names = Names(manifest, settings.resource_prefix)
        self.manifest = manifest

        # The platform's zone: the wildcard certificate, the store subdomains and SES's DKIM records live in it.
        # Point the registrar at its name servers once (output below).
        self.zone = route53.PublicHostedZone(self, "PlatformZone", zone_name=settings.platform_domain)
        CfnOutput(self, "PlatformNameServers", value=Fn.join(",", self.zone.hosted_zone_name_servers or []))

        self.tables = {key: self._table(key, t) for key, t in manifest.tables.items()}
        self.topics = {
            key: sns.Topic(self, f"Topic-{key}", topic_name=names.topic(key), enforce_ssl=True)
            for key in manifest.topics
        }
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        for key, q in manifest.queues.items():
            self._queue(key, q)
        self.buckets = {key: self._bucket(key, b) for key, b in manifest.buckets.items()}
        self.user_pools = {key: self._user_pool(key, p) for key, p in manifest.user_pools.items()}
        self.secrets = {
            key: self._secret(key, s.description, s.generate)
            for key, s in manifest.secrets.items()
            if s.create  # the others are written by their owner (auth's signing keys) or by operations
        }
        for identity in manifest.ses.identities:
            self._email_identity(identity, settings.platform_domain)
        if wiring.SCHEDULER_TOPIC in self.topics:
            self._schedules(self.topics[wiring.SCHEDULER_TOPIC])

    def _table(self, key: str, spec) -> dynamodb.Table:
        # Every key attribute is a string: the services build PK/SK/GSI keys as typed strings ("T#…#ORDER#…").
        def attr(name: str | None) -> dynamodb.Attribute | None:
            return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING) if name else None

        table = dynamodb.Table(
            self,
            f"Table-{key}",
            table_name=self.names.table(key),
            partition_key=attr(spec.hash_key),
            sort_key=attr(spec.range_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute=spec.ttl_attribute,
            stream=self._stream(key, spec),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for gsi in spec.gsis:
            table.add_global_secondary_index(
                index_name=gsi.name,
                partition_key=attr(gsi.hash_key),
                sort_key=attr(gsi.range_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )
        return table

    @staticmethod
    def _stream(key: str, spec) -> dynamodb.StreamViewType | None:
        if key in wiring.TABLE_STREAMS:
            return dynamodb.StreamViewType(wiring.TABLE_STREAMS[key])
        return dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if spec.streams else None

    def _queue(self, key: str, spec) -> None:
        # SQS-managed encryption: SNS can deliver into it without a KMS key policy.
        dlq = sqs.Queue(
            self,
            f"Dlq-{key}",
            queue_name=self.names.dlq(key),
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        queue = sqs.Queue(
            self,
            f"Queue-{key}",
            queue_name=self.names.queue(key),
            visibility_timeout=Duration.seconds(spec.visibility_timeout),
            retention_period=Duration.days(4),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count),
        )
        for sub in spec.subscriptions:
            # Raw delivery: the consumer reads our envelope as the SQS body, with `type` as a message attribute
            # the filter policy matches on (no filter policy = every event of that topic).
            policy = (
                {"type": sns.SubscriptionFilter.string_filter(allowlist=list(sub.types))}
                if sub.types
                else None
            )
            self.topics[sub.topic].add_subscription(
                subscriptions.SqsSubscription(queue, raw_message_delivery=True, filter_policy=policy)
            )
        self.queues[key], self.dlqs[key] = queue, dlq

    def _bucket(self, key: str, spec) -> s3.Bucket:
        cors = (
            [
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.PUT, s3.HttpMethods.HEAD],
                    allowed_origins=list(spec.cors_origins),
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ]
            if spec.cors_origins
            else None
        )
        bucket = s3.Bucket(
            self,
            f"Bucket-{key}",
            bucket_name=self.names.bucket(key),
            versioned=spec.versioning,
            cors=cors,
            encryption=s3.BucketEncryption.S3_MANAGED,  # CloudFront's OAC reads SSE-S3 objects with no key policy
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        if key == wiring.EDGE_BUCKET:
            # CloudFront (Origin Access Control) may read the built sites, from this account's distributions only:
            # the shared one and each custom domain's, which sitegen creates at run time. Listing lets a missing
            # page be a 404 rather than S3's 403.
            conditions = {
                "StringEquals": {"AWS:SourceAccount": Aws.ACCOUNT_ID},
                "ArnLike": {
                    "AWS:SourceArn": f"arn:{Aws.PARTITION}:cloudfront::{Aws.ACCOUNT_ID}:distribution/*"
                },
            }
            cloudfront = iam.ServicePrincipal("cloudfront.amazonaws.com")
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="CloudFrontReadsBuiltSites",
                    principals=[cloudfront],
                    actions=["s3:GetObject"],
                    resources=[bucket.arn_for_objects(path) for path in wiring.EDGE_READ_PATHS],
                    conditions=conditions,
                )
            )
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="CloudFrontTellsMissingPages",
                    principals=[cloudfront],
                    actions=["s3:ListBucket"],
                    resources=[bucket.bucket_arn],
                    conditions=conditions,
                )
            )
        return bucket

    def _user_pool(self, key: str, spec) -> cognito.UserPool:
        # The OTP challenge is the auth service's own; Cognito holds the mirrored users, groups and tenant.
        pool = cognito.UserPool(
            self,
            f"UserPool-{key}",
            user_pool_name=self.names.user_pool(key),
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(phone=True, email=True),
            custom_attributes={a: cognito.StringAttribute(mutable=True) for a in spec.custom_attributes},
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for group in spec.groups:
            cognito.UserPoolGroup(self, f"Group-{key}-{group}", user_pool=pool, group_name=group)
        return pool

    def _secret(self, key: str, description: str, generate: bool) -> secretsmanager.Secret:
        return secretsmanager.Secret(
            self,
            f"Secret-{key}",
            secret_name=self.names.secret(key),
            description=description,
            # A random 64-character key; a secret that is not generated starts with a placeholder to overwrite.
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64 if generate else 32, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _email_identity(self, domain: str, platform_domain: str) -> None:
        inside = domain == platform_domain or domain.endswith("." + platform_domain)
        # In the platform's zone the DKIM records are written for us; another domain's are added by hand.
        identity = ses.Identity.public_hosted_zone(self.zone) if inside else ses.Identity.domain(domain)
        ses.EmailIdentity(self, f"Ses-{domain}", identity=identity)

    def _schedules(self, topic: sns.Topic) -> None:
        """EventBridge Scheduler publishes the timed events straight to the scheduler topic, as the envelope the
        consumers expect (the same one webdpro_local.scheduler sends), with the `type` attribute they filter on."""
        for event_type, cadence in wiring.SCHEDULES.items():
            at = scheduler.ContextAttribute.scheduled_time
            envelope = {
                "id": f"evt_{scheduler.ContextAttribute.execution_id}",
                "type": event_type,
                "version": 1,
                "occurred_at": at,
                "tenant_id": None,
                "source": "scheduler",
                "trace": None,
                "data": {"scheduledFor": at},
            }
            target = targets.Universal(
                service="sns",
                action="publish",
                input=scheduler.ScheduleTargetInput.from_object(
                    {
                        "TopicArn": topic.topic_arn,
                        "Message": json.dumps(envelope),
                        "MessageAttributes": {"type": {"DataType": "String", "StringValue": event_type}},
                    }
                ),
                policy_statements=[iam.PolicyStatement(actions=["sns:Publish"], resources=[topic.topic_arn])],
                retry_attempts=3,
            )
            scheduler.Schedule(
                self,
                f"Schedule-{event_type}",
                schedule_name=f"{self.names.prefix}{event_type.replace('.', '-').replace('_', '-')}",
                schedule=scheduler.ScheduleExpression.expression(
                    cadence.expression, TimeZone.of(cadence.timezone)
                ),
                target=target,
                description=f"Publishes {event_type} to {topic.topic_name}",
            )
