"""Model-made images in the S3 media bucket, served back through sitegen's public media route (same origin as
the site, so the page never links to a storage host)."""

from __future__ import annotations

from typing import Any

from sitegen.adapters.storage import read_object


class MediaStore:
    def __init__(self, clients: Any, bucket: str) -> None:
        self.clients = clients
        self.bucket = bucket

    @staticmethod
    def key(store_id: str, name: str) -> str:
        return f"stores/{store_id}/images/{name}.png"

    async def put_image(self, store_id: str, name: str, png: bytes) -> str:
        s3 = await self.clients.get("s3")
        await s3.put_object(
            Bucket=self.bucket, Key=self.key(store_id, name), Body=png, ContentType="image/png"
        )
        return f"/api/sitegen/media/{store_id}/{name}.png"

    async def read(self, store_id: str, name: str) -> tuple[bytes, str] | None:
        found = await read_object(await self.clients.get("s3"), self.bucket, self.key(store_id, name))
        return (found[0], "image/png") if found else None
