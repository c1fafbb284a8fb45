"""OTP delivery: SMS through SNS, email through SES. A failure surfaces as `DeliveryFailed` so the caller can
answer 503 and record nothing as sent."""

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

    async def send(self, channel: str, destination: str, subject: str, body: str) -> None:
        try:
            if channel == "sms":
                sns = await self.clients.get("sns")
                await sns.publish(
                    PhoneNumber=destination,
                    Message=body,
                    MessageAttributes={
                        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                        "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self.sms_sender_id},
                    },
                )
            else:
                ses = await self.clients.get("ses")
                await ses.send_email(
                    Source=self.mail_from,
                    Destination={"ToAddresses": [destination]},
                    Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": body}}},
                )
        except (BotoCoreError, ClientError, OSError) as exc:
            raise DeliveryFailed(str(exc)) from exc
