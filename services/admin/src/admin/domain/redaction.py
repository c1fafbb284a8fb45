"""What of an event's `data` the audit log may keep: an allow-list, never a deny-list.

Kept: ids (keys ending `_id`), amounts (`_paise`), token and image counts, and a few closed-vocabulary fields
(status, reason, kind, stage, model_id, outcome, …). Everything else — phone numbers, emails, addresses,
customer names, prompts, item lists, hashes — is dropped. Nested objects and lists are dropped whole. Kept text
is still scrubbed: anything that looks like a phone number or an email inside it (a free-text `reason`, say)
is masked, and it is cut to 200 characters.
"""

from __future__ import annotations

import re
from typing import Any

# Closed-vocabulary or numeric fields that are safe to show the founder.
ALLOWED_KEYS = frozenset(
    {
        "status",
        "previous_status",
        "reason",
        "kind",
        "stage",
        "model_id",
        "operation",
        "outcome",
        "fallback_reason",
        "tokens",
        "images",
        "latency_ms",
        "purpose",
        "method",
        "payment_method",
        "role",
        "plan",
        "sector",
        "inventory_mode",
        "full",
        "on_hold",
        "purge_after",
        "prompt_chars",
        "version",
    }
)
ALLOWED_SUFFIXES = ("_id", "_paise", "_tokens")
# Keys that end like an id but carry a person's identity (a UPI VPA is name@bank).
DENIED_KEYS = frozenset({"upi_id", "vpa_id", "email_id", "phone_id", "contact_id"})
_DENIED_PARTS = ("phone", "email", "address", "name", "contact", "vpa", "upi")

_EMAILISH = re.compile(r"[^\s@]+@[^\s@]+")
_PHONEISH = re.compile(r"\+?\d[\d\s\-]{7,}\d")
_MAX_TEXT = 200


def allowed(key: str) -> bool:
    k = key.lower()
    if k in DENIED_KEYS or (k not in ALLOWED_KEYS and any(p in k for p in _DENIED_PARTS)):
        return False
    return k in ALLOWED_KEYS or k.endswith(ALLOWED_SUFFIXES)


def scrub(text: str) -> str:
    text = _EMAILISH.sub("[redacted]", text)
    text = _PHONEISH.sub("[redacted]", text)
    return text[:_MAX_TEXT]


def summarize(data: dict[str, Any] | None) -> dict[str, Any]:
    """The redacted summary of an event's data (top-level scalars under allowed keys only)."""
    out: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if not isinstance(key, str) or not allowed(key):
            continue
        if isinstance(value, bool) or value is None or isinstance(value, int | float):
            out[key] = value
        elif isinstance(value, str):
            out[key] = scrub(value)
    return out


_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def trace_id(traceparent: str | None) -> str | None:
    """The 32-hex trace id of a W3C `traceparent` ("00-<trace>-<span>-<flags>"); None when absent/invalid."""
    if not traceparent:
        return None
    m = _TRACEPARENT.match(traceparent.strip().lower())
    if not m or m.group(1) == "0" * 32:
        return None
    return m.group(1)
