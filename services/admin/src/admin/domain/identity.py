"""Ban targets: a phone number (E.164; Indian mobiles accepted bare or with 0/91) or an email address.

A small copy of auth's normaliser on purpose: the admin service does not depend on the auth package."""

from __future__ import annotations

import re

_INDIAN_MOBILE = re.compile(r"^[6-9]\d{9}$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class InvalidIdentity(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """ "9812345678", "09812345678", "919812345678", "+91 98123-45678" → "+919812345678"; other countries
    must be E.164 already. Raises InvalidIdentity."""
    s = re.sub(r"[\s\-().]", "", raw or "")
    if s.startswith("+"):
        if s.startswith("+91"):
            if not _INDIAN_MOBILE.match(s[3:]):
                raise InvalidIdentity("not an Indian mobile number")
            return s
        if not _E164.match(s):
            raise InvalidIdentity("not an E.164 phone number")
        return s
    if s.startswith("0") and len(s) == 11:
        s = s[1:]
    elif s.startswith("91") and len(s) == 12:
        s = s[2:]
    if not _INDIAN_MOBILE.match(s):
        raise InvalidIdentity("not an Indian mobile number")
    return f"+91{s}"


def normalize_email(raw: str) -> str:
    s = (raw or "").strip()
    if len(s) > 254 or not _EMAIL.match(s):
        raise InvalidIdentity("not an email address")
    local, _, domain = s.rpartition("@")
    if len(local) > 64:
        raise InvalidIdentity("not an email address")
    return f"{local}@{domain.lower()}"
