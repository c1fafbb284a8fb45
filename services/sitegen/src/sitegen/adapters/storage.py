"""Built sites and specs in S3, each version under its own prefix (`stores/<storeId>/v<N>/…`), written once and
never changed, so a reader never sees a half-built version: the version item that points at a prefix is written
only after every file of it is in place."""

from __future__ import annotations

import asyncio
import mimetypes
from typing import Any

from botocore.exceptions import ClientError

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


def content_type(path: str) -> str:
    for ext, ctype in _TYPES.items():
        if path.endswith(ext):
            return ctype
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


async def read_object(s3: Any, bucket: str, key: str) -> tuple[bytes, str] | None:
    """(body, content type) of an S3 object, None when there is none."""
    try:
        obj = await s3.get_object(Bucket=bucket, Key=key)
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise
    async with obj["Body"] as stream:
        return await stream.read(), obj.get("ContentType", "application/octet-stream")


def prefix(store_id: str, version: int) -> str:
    return f"stores/{store_id}/v{version:06d}/"


def release_prefix(store_id: str, version: int) -> str:
    """A release is the live build of draft version `version` (indexable, canonical URLs of its host)."""
    return f"stores/{store_id}/releases/v{version:06d}/"


class SiteStorage:
    def __init__(self, clients: Any, bucket: str) -> None:
        self.clients = clients
        self.bucket = bucket

    async def write_version(
        self, store_id: str, version: int, files: dict[str, bytes], spec_json: bytes
    ) -> str:
        s3 = await self.clients.get("s3")
        base = prefix(store_id, version)
        uploads = [
            s3.put_object(
                Bucket=self.bucket, Key=base + "site/" + path, Body=body, ContentType=content_type(path)
            )
            for path, body in files.items()
        ]
        uploads.append(
            s3.put_object(
                Bucket=self.bucket, Key=base + "spec.json", Body=spec_json, ContentType="application/json"
            )
        )
        for start in range(0, len(uploads), 16):  # bounded fan-out
            await asyncio.gather(*uploads[start : start + 16])
        return base

    async def write_release(self, store_id: str, version: int, files: dict[str, bytes]) -> str:
        """Every file of the release; the caller records the release as built only after this returns."""
        s3 = await self.clients.get("s3")
        base = release_prefix(store_id, version)
        uploads = [
            s3.put_object(Bucket=self.bucket, Key=base + path, Body=body, ContentType=content_type(path))
            for path, body in files.items()
        ]
        for start in range(0, len(uploads), 16):  # bounded fan-out
            await asyncio.gather(*uploads[start : start + 16])
        return base

    async def read_release_file(self, store_id: str, version: int, path: str) -> tuple[bytes, str] | None:
        return await self.read(release_prefix(store_id, version) + path)

    async def read(self, key: str) -> tuple[bytes, str] | None:
        return await read_object(await self.clients.get("s3"), self.bucket, key)

    async def read_spec(self, store_id: str, version: int) -> bytes | None:
        found = await self.read(prefix(store_id, version) + "spec.json")
        return found[0] if found else None

    async def read_site_file(self, store_id: str, version: int, path: str) -> tuple[bytes, str] | None:
        return await self.read(prefix(store_id, version) + "site/" + path)
