"""The local ACM finisher: a DNS-validated certificate is issued once its validation CNAMEs are in Route 53, as in
AWS — and not before (the emulator no longer issues by itself after a wait)."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import msgspec

from webdpro_aws.clients import AwsClients
from webdpro_local.acm_validation import covering_zones, finish_pending, record_present, run
from webdpro_local.settings import LocalSettings


def _domain() -> str:
    return f"acm-{secrets.token_hex(4)}.in"


async def _request(acm, host: str) -> tuple[str, list[dict]]:
    arn = (
        await acm.request_certificate(
            DomainName=host, SubjectAlternativeNames=[host, f"www.{host}"], ValidationMethod="DNS"
        )
    )["CertificateArn"]
    cert = (await acm.describe_certificate(CertificateArn=arn))["Certificate"]
    return arn, [o["ResourceRecord"] for o in cert["DomainValidationOptions"]]


async def _zone(r53, host: str) -> str:
    z = await r53.create_hosted_zone(Name=host + ".", CallerReference=secrets.token_hex(8))
    return z["HostedZone"]["Id"].rsplit("/", 1)[-1]


async def _write(r53, zone_id: str, records: list[dict], *, value: str | None = None) -> None:
    await r53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": rr["Name"],
                        "Type": "CNAME",
                        "TTL": 300,
                        "ResourceRecords": [{"Value": value or rr["Value"]}],
                    },
                }
                for rr in records
            ]
        },
    )


async def _status(acm, arn: str) -> str:
    return (await acm.describe_certificate(CertificateArn=arn))["Certificate"]["Status"]


async def test_certificate_with_its_records_is_issued_and_one_without_stays_pending(
    settings: LocalSettings,
) -> None:
    east = AwsClients(msgspec.structs.replace(settings, aws_region="us-east-1"))
    try:
        acm, r53 = await east.get("acm"), await east.get("route53")
        ready_host, bare_host, wrong_host = _domain(), _domain(), _domain()
        ready, ready_records = await _request(acm, ready_host)
        bare, _ = await _request(acm, bare_host)
        wrong, wrong_records = await _request(acm, wrong_host)
        await _write(r53, await _zone(r53, ready_host), ready_records)
        await _zone(r53, bare_host)  # a zone, but no validation records in it
        await _write(r53, await _zone(r53, wrong_host), wrong_records, value="_other.acm-validations.aws.")

        stop = asyncio.Event()
        loop = asyncio.create_task(run(settings, stop, interval=0.1))
        try:
            for _ in range(100):  # the loop issues it within a few passes
                if await _status(acm, ready) == "ISSUED":
                    break
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await loop
        assert await _status(acm, ready) == "ISSUED"
        assert await _status(acm, bare) == "PENDING_VALIDATION"
        assert (
            await _status(acm, wrong) == "PENDING_VALIDATION"
        )  # a CNAME with the wrong value does not count

        # Once the records appear, the next pass issues it.
        zones = (await r53.list_hosted_zones_by_name(DNSName=bare_host + "."))["HostedZones"]
        bare_records = [
            o["ResourceRecord"]
            for o in (await acm.describe_certificate(CertificateArn=bare))["Certificate"][
                "DomainValidationOptions"
            ]
        ]
        await _write(r53, zones[0]["Id"].rsplit("/", 1)[-1], bare_records)
        assert bare in await finish_pending(settings, ["us-east-1"])
        assert await _status(acm, bare) == "ISSUED"
    finally:
        await east.close()


def test_issue_endpoint_refuses_unknown_certificates(settings: LocalSettings) -> None:
    url = f"{settings.emulator_url}/_local/acm/issue"
    unknown = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    assert httpx.post(url, json={"arn": unknown}).status_code == 404
    assert httpx.post(url, json={}).status_code == 400


def test_zone_and_record_matching() -> None:
    zones = [
        {"Id": "/hostedzone/A", "Name": "curam.in.", "Config": {"PrivateZone": False}},
        {"Id": "/hostedzone/B", "Name": "shop.curam.in.", "Config": {"PrivateZone": False}},
        {"Id": "/hostedzone/C", "Name": "www.curam.in.", "Config": {"PrivateZone": True}},
    ]
    assert [z["Id"] for z in covering_zones("_x.www.curam.in.", zones)] == ["/hostedzone/A"]
    assert [z["Id"] for z in covering_zones("_x.shop.curam.in", zones)] == ["/hostedzone/B"]
    assert covering_zones("_x.curam.com.", zones) == []
    twin = {"Id": "/hostedzone/D", "Name": "curam.in.", "Config": {"PrivateZone": False}}
    assert [z["Id"] for z in covering_zones("_x.curam.in.", [*zones, twin])] == [
        "/hostedzone/A",
        "/hostedzone/D",
    ]
    records = [
        {"Name": "_x.curam.in.", "Type": "CNAME", "ResourceRecords": [{"Value": "_v.acm-validations.aws."}]}
    ]
    assert record_present(records, "_X.curam.in", "_v.acm-validations.aws")
    assert not record_present(records, "_x.curam.in.", "_w.acm-validations.aws.")
    assert not record_present([{**records[0], "Type": "TXT"}], "_x.curam.in.", "_v.acm-validations.aws.")
