"""Destinations an OTP goes to: E.164 phone numbers (Indian mobiles first-class) and email addresses."""

from __future__ import annotations

import re

from webdpro_core.errors import ValidationProblem

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_INDIAN_MOBILE = re.compile(r"^[6-9]\d{9}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalize_phone(raw: str, field: str = "destination") -> str:
    """'98765 43210', '098765-43210', '+91 98765 43210', '919876543210' → '+919876543210'."""
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+91") or (
        not digits.startswith("+") and len(digits) == 12 and digits.startswith("91")
    ):
        national = digits.removeprefix("+").removeprefix("91")
        if not _INDIAN_MOBILE.match(national):
            raise ValidationProblem("Not a valid Indian mobile number", code="INVALID_PHONE", field=field)
        return "+91" + national
    if not digits.startswith("+"):
        national = digits.removeprefix("0")
        if _INDIAN_MOBILE.match(national):
            return "+91" + national
        raise ValidationProblem(
            "Not a valid phone number (E.164, e.g. +919876543210)", code="INVALID_PHONE", field=field
        )
    if not _E164.match(digits):
        raise ValidationProblem(
            "Not a valid phone number (E.164, e.g. +919876543210)", code="INVALID_PHONE", field=field
        )
    return digits


def normalize_email(raw: str, field: str = "destination") -> str:
    value = (raw or "").strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationProblem("Not a valid email address", code="INVALID_EMAIL", field=field)
    local, _, domain = value.rpartition("@")
    if len(local) > 64:
        raise ValidationProblem("Not a valid email address", code="INVALID_EMAIL", field=field)
    return f"{local}@{domain.lower()}".lower()


def channel_of(destination: str) -> str:
    return "email" if "@" in destination else "sms"


def normalize(destination: str, channel: str | None = None, field: str = "destination") -> tuple[str, str]:
    """→ (channel, normalised destination). With no channel, an '@' means email."""
    channel = channel or channel_of(destination or "")
    if channel == "email":
        return "email", normalize_email(destination, field)
    if channel == "sms":
        return "sms", normalize_phone(destination, field)
    raise ValidationProblem("channel must be sms or email", code="INVALID_CHANNEL", field="channel")


def mask(destination: str) -> str:
    if "@" in destination:
        local, _, domain = destination.partition("@")
        return f"{local[:1]}***@{domain}"
    return destination[:3] + "*" * (len(destination) - 7) + destination[-4:]
