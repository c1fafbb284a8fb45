"""Phone numbers and email addresses of merchants and suppliers (where alerts and reorder pings go)."""

from __future__ import annotations

import re

from webdpro_core.errors import ValidationProblem

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_INDIAN_MOBILE = re.compile(r"^[6-9]\d{9}$")
_EMAIL = re.compile(
    r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)


def phone(raw: str | None, field: str = "phone") -> str | None:
    """'98765 43210', '+91 98765 43210', '09876543210' → '+919876543210'; None/'' → None."""
    if raw is None or not raw.strip():
        return None
    digits = re.sub(r"[\s\-().]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        national = digits.removeprefix("0")
        if len(national) == 12 and national.startswith("91"):
            national = national[2:]
        if _INDIAN_MOBILE.match(national):
            return "+91" + national
        raise ValidationProblem(
            "Not a valid phone number (e.g. +919876543210)", code="INVALID_PHONE", field=field
        )
    if not _E164.match(digits):
        raise ValidationProblem(
            "Not a valid phone number (e.g. +919876543210)", code="INVALID_PHONE", field=field
        )
    return digits


def email(raw: str | None, field: str = "email") -> str | None:
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationProblem("Not a valid email address", code="INVALID_EMAIL", field=field)
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def contact(raw_phone: str | None, raw_email: str | None, prefix: str = "") -> dict[str, str] | None:
    """A normalised {phone?, email?}, or None when both are empty."""
    out = {}
    p = phone(raw_phone, f"{prefix}phone")
    e = email(raw_email, f"{prefix}email")
    if p:
        out["phone"] = p
    if e:
        out["email"] = e
    return out or None
