"""Words of the publish saga shared by its steps: the publication's states and how a step says it failed."""

from __future__ import annotations

from enum import StrEnum


class PublicationStatus(StrEnum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"  # the price is known, the merchant has not paid yet
    PAID = "PAID"  # paid (or covered by a subscription); the saga has not started a step yet
    BUILDING = "BUILDING"  # rendering the release into its immutable prefix
    BUYING_DOMAIN = "BUYING_DOMAIN"  # custom domain: registrar purchase
    CONFIGURING_DNS = "CONFIGURING_DNS"  # hosted zone, records, registrar nameservers
    ISSUING_CERTIFICATE = "ISSUING_CERTIFICATE"  # ACM certificate, DNS validation
    ATTACHING_CDN = "ATTACHING_CDN"  # the domain on a CloudFront distribution
    SWITCHING = "SWITCHING"  # the host moves to the new release (one conditional write)
    LIVE = "LIVE"
    FAILED = "FAILED"  # stopped for good; `failure_reason` says why (and a refund follows a paid purchase)


class StepError(Exception):
    """A saga step could not finish. `retryable` failures (registrar 5xx/429, a record not yet visible, a
    certificate still pending) are tried again with back-off; the others end the publication as FAILED."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def retry(reason: str) -> StepError:
    return StepError(reason, retryable=True)


def give_up(reason: str) -> StepError:
    return StepError(reason, retryable=False)
