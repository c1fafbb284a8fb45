"""The host mirror stack (platform region): sitegen's table stream → a small Lambda (kvs_mirror.py) → the edge's
key value store (us-east-1). The stream and the function must share a region; the store's ARN comes across
regions from the edge stack, which is why this stack is deployed after it.

The function's role may read that one table's stream (and list stream names, which Lambda checks), write that
one key value store, send a record it gave up
on to its own dead-letter queue, and write its logs — nothing else. Only host items reach it: the event source
mapping filters on `PK` beginning `HOST#`, so the rest of sitegen's writes never invoke it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, Duration, ILocalBundling, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from webdpro_infra import kvs_mirror
from webdpro_infra.settings import InfraSettings

HANDLER_FILE = Path(kvs_mirror.__file__)
RUNTIME = lambda_.Runtime.PYTHON_3_12
# boto3 with awscrt: the KeyValueStore API is signed with SigV4A (see kvs_mirror's docstring).
REQUIREMENTS = ("boto3[crt]>=1.34",)
KVS_WRITE_ACTIONS = (
    "cloudfront-keyvaluestore:DescribeKeyValueStore",
    "cloudfront-keyvaluestore:PutKey",
    "cloudfront-keyvaluestore:DeleteKey",
)


@jsii.implements(ILocalBundling)
class _LocalBundling:
    """Bundles on this machine (uv or pip, wheels for the Lambda's platform) before falling back to Docker."""

    def try_bundle(self, output_dir: str, options: object) -> bool:  # options: the Docker fallback's
        target = ["--python-version", "3.12", "--only-binary", ":all:", "--target", output_dir]
        if shutil.which("uv"):
            cmd = ["uv", "pip", "install", "--python-platform", "aarch64-manylinux2014", *target]
        else:
            cmd = [sys.executable, "-m", "pip", "install", "--platform", "manylinux2014_aarch64", *target]
        try:
            subprocess.run([*cmd, *REQUIREMENTS], check=True)
        except (OSError, subprocess.CalledProcessError):
            return False
        shutil.copy(HANDLER_FILE, Path(output_dir) / HANDLER_FILE.name)
        return True


def code() -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(HANDLER_FILE.parent),
        exclude=["*", f"!{HANDLER_FILE.name}"],
        bundling=BundlingOptions(
            image=DockerImage.from_registry(f"public.ecr.aws/sam/build-{RUNTIME.name}:latest"),
            platform="linux/arm64",
            command=[
                "bash",
                "-c",
                f"pip install {' '.join(repr(r) for r in REQUIREMENTS)} -t /asset-output"
                f" && cp /asset-input/{HANDLER_FILE.name} /asset-output/",
            ],
            local=_LocalBundling(),
        ),
    )


class HostMirrorStack(Stack):
    def __init__(
        self,
        scope: Construct,
        cid: str,
        *,
        settings: InfraSettings,
        table: dynamodb.ITable,
        key_value_store_arn: str,
        **kwargs,
    ) -> None:
        super().__init__(scope, cid, **kwargs)
        prefix = settings.resource_prefix
        stream_arn = table.table_stream_arn
        if stream_arn is None:
            raise ValueError("the host map's table has no stream")

        self.dead_letters = sqs.Queue(
            self,
            "Failed",
            queue_name=f"{prefix}host-mirror-failed",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.function = lambda_.Function(
            self,
            "Mirror",
            function_name=f"{prefix}host-mirror",
            description="sitegen's host map (table stream) → the edge's key value store",
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=f"{HANDLER_FILE.stem}.handler",
            code=code(),
            memory_size=256,
            timeout=Duration.seconds(60),
            environment={"WEBDPRO_KVS_ARN": key_value_store_arn},
            log_group=logs.LogGroup(
                self,
                "Logs",
                log_group_name=f"/{prefix}host-mirror",
                retention=logs.RetentionDays.ONE_MONTH,
            ),
        )
        role = self.function.role
        assert role is not None
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="WriteHosts", actions=list(KVS_WRITE_ACTIONS), resources=[key_value_store_arn]
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                sid="ReadHostStream",
                actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                resources=[stream_arn],
            )
        )
        # Lambda checks this one before it polls; it names streams only (no data) and has no resource-level form.
        role.add_to_principal_policy(
            iam.PolicyStatement(sid="FindStreams", actions=["dynamodb:ListStreams"], resources=["*"])
        )
        self.mapping = lambda_.EventSourceMapping(
            self,
            "FromHostMap",
            target=self.function,
            event_source_arn=stream_arn,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=100,
            max_batching_window=Duration.seconds(0),  # a switch should reach the edge at once
            parallelization_factor=1,  # one batch per shard at a time: a host's changes stay in order
            report_batch_item_failures=True,  # retry resumes at the first record that failed
            retry_attempts=20,
            max_record_age=Duration.days(1),
            on_failure=sources.SqsDlq(self.dead_letters),
            filters=[
                lambda_.FilterCriteria.filter(
                    {
                        "dynamodb": {
                            "Keys": {"PK": {"S": lambda_.FilterRule.begins_with(kvs_mirror.HOST_PREFIX)}}
                        }
                    }
                )
            ],
        )
