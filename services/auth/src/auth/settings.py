from __future__ import annotations

from webdpro_core.settings import BaseSettings


class AuthSettings(BaseSettings, frozen=True, kw_only=True):
    service: str = "auth"
    port: int = 8101
    # Comma-separated emails allowed to sign in as SUPER_ADMIN (the founders).
    super_admin_emails: str = "founder@webdpro.in"
    sms_sender_id: str = "WEBDPR"
    # How often a running instance re-reads its signing keys (picks up a rotation by itself).
    key_reload_seconds: int = 300

    @property
    def admin_allowlist(self) -> frozenset[str]:
        return frozenset(e.strip().lower() for e in self.super_admin_emails.split(",") if e.strip())
