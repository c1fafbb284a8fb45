"""Who owns and who uses what.

Ownership comes from the manifest's keys, so a new table, topic, queue or secret needs no edit here:
- a *service* is a key that owns a table or a queue (`[tables.orders]`, `[queues.orders]`); a further table of
  the same service is keyed `<service>_<something>`;
- a service owns the table(s), topic and queue named after it, and the secrets whose name starts `<service>/`;
  secrets under `internal/` (the service-to-service token key) are read by every service.

What the manifest does not say (which service uses a shared bucket, who sends email or SMS, the schedules'
cadence) is listed below, once, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from webdpro_aws.manifest import Manifest

# Every container listens here: each Fargate task has its own network interface, so the ports the services use
# side by side on a laptop (8101…) are not needed in AWS.
CONTAINER_PORT = 8080

SHARED_SECRET_PREFIX = "internal/"

# Buckets are shared by purpose, not named after a service.
BUCKET_USERS: dict[str, tuple[str, ...]] = {
    "sites": ("sitegen",),  # built releases, written once per version prefix
    "media": ("sitegen", "catalog", "delivery"),  # generated images, product photos, proof-of-delivery photos
}
# Sites are immutable versions: their writer may add objects but never delete or overwrite history away.
APPEND_ONLY_BUCKETS = frozenset({"sites"})

# Sign-in codes; stock alerts and supplier pings; "your store is live".
EMAIL_SENDERS = ("auth", "catalog", "sitegen")
SMS_SENDERS = ("auth", "catalog")  # sign-in codes; stock alerts
USER_POOL_ADMINS = ("auth",)  # mirrors users and groups into Cognito
MODEL_USERS = ("sitegen",)  # Bedrock text and image models

# The publish path: this service moves a host between releases in its own table (the host mirror copies each
# change to the edge's key value store) and, for a custom domain, creates its hosted zone, certificate and
# distribution at run time (what `CustomDomain` declares as code).
EDGE_PUBLISHER = "sitegen"
# The API calls of the publish saga's domain steps (sitegen/domain/…): what its task role may do beyond its own
# resources. Route 53 CreateHostedZone is granted on "*" (no resource-level permission); the rest on
# hostedzone/*, us-east-1 certificates and this account's distributions. SES SendEmail comes with EMAIL_SENDERS.
PUBLISHER_ZONE_ACTIONS = (
    "route53:GetHostedZone",
    "route53:ChangeResourceRecordSets",
    "route53:ListResourceRecordSets",
)
PUBLISHER_CERTIFICATE_ACTIONS = ("acm:RequestCertificate", "acm:DescribeCertificate")
PUBLISHER_DISTRIBUTION_ACTIONS = (
    "cloudfront:CreateDistribution",
    "cloudfront:GetDistribution",
    "cloudfront:GetDistributionConfig",
    "cloudfront:UpdateDistribution",
    "cloudfront:TagResource",
)
EDGE_BUCKET = "sites"
# Only live releases (`stores/<storeId>/releases/v<NNNNNN>/<path>`, built by the publish saga) are public; drafts
# (`stores/<storeId>/v<N>/site/…`, previews) and their spec.json are never served by the CDN.
EDGE_READ_PATHS = ("stores/*/releases/*", "_platform/*")

# Table streams the infrastructure needs and the services do not (so not in the manifest, and local provisioning
# has none): the host mirror reads sitegen's host items from its table's stream (host_mirror.py). Locally the
# edge reads the host map directly.
TABLE_STREAMS: dict[str, str] = {EDGE_PUBLISHER: "NEW_IMAGE"}

SCHEDULER_TOPIC = "scheduler"


@dataclass(frozen=True)
class Cadence:
    expression: str
    timezone: str = "UTC"


# EventBridge Scheduler sends these to the scheduler topic; locally webdpro_local.scheduler does.
SCHEDULES: dict[str, Cadence] = {
    "schedule.inventory_scan": Cadence("rate(5 minutes)"),
    "schedule.daily_settlement": Cadence("cron(30 23 * * ? *)", "Asia/Kolkata"),
}


def services(manifest: Manifest) -> list[str]:
    keys = set(manifest.tables) | set(manifest.queues)
    return sorted(k for k in keys if not any(k.startswith(other + "_") for other in keys if other != k))


def owns(service: str, key: str) -> bool:
    return key == service or key.startswith(service + "_")


def owned_tables(manifest: Manifest, service: str) -> list[str]:
    return sorted(k for k in manifest.tables if owns(service, k))


def owned_topics(manifest: Manifest, service: str) -> list[str]:
    return sorted(k for k in manifest.topics if owns(service, k))


def owned_queues(manifest: Manifest, service: str) -> list[str]:
    return sorted(k for k in manifest.queues if owns(service, k))


def owned_secrets(manifest: Manifest, service: str) -> list[str]:
    return sorted(k for k, s in manifest.secrets.items() if s.name.startswith(service + "/"))


def shared_secrets(manifest: Manifest) -> list[str]:
    return sorted(k for k, s in manifest.secrets.items() if s.name.startswith(SHARED_SECRET_PREFIX))


def scheduled_types(manifest: Manifest) -> set[str]:
    """Every event type some queue expects from the scheduler topic: each needs a schedule."""
    return {
        t
        for q in manifest.queues.values()
        for sub in q.subscriptions
        if sub.topic == SCHEDULER_TOPIC
        for t in sub.types
    }
