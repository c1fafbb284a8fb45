"""One-time codes: 6 digits, stored only as a keyed hash, valid 10 minutes, usable once, at most 5 wrong tries;
sends limited to one per 30 s and 5 per hour per destination and per client address."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

CODE_TTL_SECONDS = 600
MAX_ATTEMPTS = 5
RESEND_AFTER_SECONDS = 30
SENDS_PER_HOUR = 5
WINDOW_SECONDS = 3600


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(pepper: bytes, challenge_id: str, code: str) -> str:
    # Keyed by a secret pepper and bound to the challenge: a leaked table reveals no code.
    return hmac.new(pepper, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(pepper: bytes, challenge_id: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(pepper, challenge_id, code), stored_hash)


@dataclass(frozen=True, slots=True)
class SendDecision:
    allowed: bool
    retry_after: int = 0
    reason: str = ""


def decide_send(previous_sends: list[int], now: int, *, enforce_resend_gap: bool) -> SendDecision:
    """`previous_sends`: epoch seconds of earlier sends (any age). The gap applies per destination only."""
    recent = sorted(t for t in previous_sends if now - t < WINDOW_SECONDS)
    if enforce_resend_gap and recent and now - recent[-1] < RESEND_AFTER_SECONDS:
        return SendDecision(False, RESEND_AFTER_SECONDS - (now - recent[-1]), "OTP_RESEND_TOO_SOON")
    if len(recent) >= SENDS_PER_HOUR:
        return SendDecision(False, WINDOW_SECONDS - (now - recent[0]), "OTP_SEND_LIMIT")
    return SendDecision(True)


def prune(sends: list[int], now: int) -> list[int]:
    return sorted(t for t in sends if now - t < WINDOW_SECONDS)
