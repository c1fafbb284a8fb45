"""Photo proof of delivery: the agent's phone uploads straight to S3 with a presigned PUT (the service never
handles the bytes); at "delivered" the object is checked (there, an image, not too large); the merchant views it
through a short-lived presigned GET. The objects sit under `delivery-proofs/`, never under the public prefixes the
media CDN serves."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
PREFIX = "delivery-proofs"


class ProofPhotos:
    def __init__(self, clients: Any, bucket: str) -> None:
        self.clients = clients
        self.bucket = bucket

    @staticmethod
    def folder(tenant_id: str, assignment_id: str) -> str:
        return f"{PREFIX}/{tenant_id}/{assignment_id}/"

    async def upload_url(self, key: str, content_type: str, expires_s: int) -> str:
        s3 = await self.clients.get("s3")
        return await s3.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=expires_s,
        )

    async def view_url(self, key: str, expires_s: int) -> str:
        s3 = await self.clients.get("s3")
        return await s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s
        )

    async def stat(self, key: str) -> dict[str, Any] | None:
        """{size, content_type} of an uploaded object, None when there is none."""
        s3 = await self.clients.get("s3")
        try:
            head = await s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return {"size": int(head.get("ContentLength", 0)), "content_type": head.get("ContentType", "")}
