"""Product images: the merchant's browser uploads straight to S3 with a presigned PUT (the service never
handles the bytes); the public URL is where the storefront loads it from."""

from __future__ import annotations

from typing import Any

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/avif": "avif"}


class Media:
    def __init__(self, clients: Any, bucket: str, public_base_url: str, expires_seconds: int = 900) -> None:
        self.clients = clients
        self.bucket = bucket
        self.public_base_url = public_base_url.rstrip("/")
        self.expires_seconds = expires_seconds

    async def upload_url(self, key: str, content_type: str) -> tuple[str, str]:
        """(presigned PUT URL, public URL) for an object key."""
        s3 = await self.clients.get("s3")
        url = await s3.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=self.expires_seconds,
        )
        return url, f"{self.public_base_url}/{key}"
