"""The dev inbox: SMS and emails the platform "sent" through the AWS emulator, read back over HTTP.

moto keeps every SNS SMS (`Publish` with `PhoneNumber`) as an `sns.SMS` model and every SES email as an
`ses.Message` / `ses.TemplateMessage` / `ses.RawMessage` model; `GET /moto-api/data.json` lists them in the
order they were sent. moto stores no send time, so our emulator stamps `sent_at` on them (emulator._patch_moto);
against a plain moto server the entries come without it and keep their send order.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import Parser
from typing import Any

import aiohttp

_PHONE_JUNK = re.compile(r"[\s\-().]")


def normalise_phone(value: str) -> str | None:
    """E.164 (`+919876543210`) or None. Accepts spaces/dashes, a 00 prefix, a bare 10-digit Indian mobile, and a
    `+` lost to form decoding (`?to=+91…` arrives as ` 91…`)."""
    v = _PHONE_JUNK.sub("", value)
    if v.startswith("00"):
        v = "+" + v[2:]
    if v.isdigit():
        v = "+91" + v if len(v) == 10 else "+" + v
    return v if re.fullmatch(r"\+[1-9]\d{6,14}", v) else None


def normalise_to(value: str) -> str:
    value = value.strip()
    if "@" in value:
        return value.lower()
    return normalise_phone(value) or value


async def fetch_data(client: aiohttp.ClientSession, emulator_url: str) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=10.0)
    async with client.get(f"{emulator_url}/moto-api/data.json", timeout=timeout, raise_for_status=True) as r:
        return await r.json(content_type=None)  # moto labels it application/javascript


def _raw_email(raw: str) -> tuple[str, str, list[str]]:
    msg = Parser(policy=policy.default).parsestr(raw)
    part = msg.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    rcpts = [a.strip() for h in ("To", "Cc") for a in str(msg.get(h, "")).split(",") if a.strip()]
    return str(msg.get("Subject", "")), body, rcpts


def _recipients(destinations: Any) -> list[str]:
    if isinstance(destinations, dict):
        return [
            a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destinations.get(key) or []
        ]
    if isinstance(destinations, list):
        return [str(a) for a in destinations]
    return []


def messages(data: dict[str, Any], to: str | None = None) -> list[dict[str, Any]]:
    """`[{"to", "channel", "body", "sentAt", ...}]`, newest first, filtered by an exact (normalised) `to`."""
    out: list[dict[str, Any]] = []
    for sms in data.get("sns", {}).get("SMS", []):
        phone = str(sms.get("phone_number", ""))
        out.append(
            {
                "to": normalise_phone(phone) or phone,
                "channel": "sms",
                "body": sms.get("message", ""),
                "sentAt": sms.get("sent_at"),
                "id": sms.get("message_id"),
            }
        )
    ses = data.get("ses", {})
    for kind in ("Message", "TemplateMessage", "RawMessage"):
        for m in ses.get(kind, []):
            if kind == "RawMessage":
                subject, body, header_rcpts = _raw_email(m.get("raw_data", ""))
                rcpts = _recipients(m.get("destinations")) or header_rcpts
            elif kind == "TemplateMessage":
                subject, body = m.get("template", ""), m.get("template_data", "")
                rcpts = _recipients(m.get("destinations"))
            else:
                subject, body = m.get("subject", ""), m.get("body", "")
                rcpts = _recipients(m.get("destinations"))
            for addr in dict.fromkeys(a.strip().lower() for a in rcpts):  # dedupe, keep order
                out.append(
                    {
                        "to": addr,
                        "channel": "email",
                        "body": body,
                        "sentAt": m.get("sent_at"),
                        "subject": subject,
                        "from": m.get("source"),
                        "id": m.get("id"),
                    }
                )
    if to:
        wanted = normalise_to(to)
        out = [m for m in out if m["to"] == wanted]
    # Newest first: by the stamped time; entries without one keep their (reversed) send order.
    out.reverse()
    out.sort(key=lambda m: m["sentAt"] or "", reverse=True)
    return out
