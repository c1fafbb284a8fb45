"""Messages to people: SMS through SNS, email through SES (sign-in codes, low-stock alerts, supplier pings,
confirmations). A failure surfaces as `DeliveryFailed`; the caller decides whether it is fatal."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError


class DeliveryFailed(Exception):
    pass


class Notifier:
    def __init__(self, clients: Any, *, mail_from: str, sms_sender_id: str) -> None:
        self.clients = clients
        self.mail_from = mail_from
        self.sms_sender_id = sms_sender_id

    async def sms(self, phone: str, body: str) -> None:
        try:
            sns = await self.clients.get("sns")
            await sns.publish(
                PhoneNumber=phone,
                Message=body,
                MessageAttributes={
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self.sms_sender_id},
                },
            )
        except (BotoCoreError, ClientError, OSError) as exc:
            raise DeliveryFailed(str(exc)) from exc

    async def email(self, to: str, subject: str, body: str) -> None:
        try:
            ses = await self.clients.get("ses")
            await ses.send_email(
                Source=self.mail_from,
                Destination={"ToAddresses": [to]},
                Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": body}}},
            )
        except (BotoCoreError, ClientError, OSError) as exc:
            raise DeliveryFailed(str(exc)) from exc

    async def deliver(self, channel: str, destination: str, subject: str, body: str) -> None:
        """One message on one channel ("sms" or "email")."""
        if channel == "sms":
            await self.sms(destination, body)
        else:
            await self.email(destination, subject, body)

    async def send(self, contact: dict[str, Any] | None, subject: str, body: str) -> list[str]:
        """To every channel of a contact ({phone?, email?}); returns the channels that were sent."""
        sent = []
        contact = contact or {}
        if contact.get("phone"):
            await self.sms(contact["phone"], body)
            sent.append("sms")
        if contact.get("email"):
            await self.email(contact["email"], subject, body)
            sent.append("email")
        return sent
