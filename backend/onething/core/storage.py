"""S3 object storage: one boto3 client per process, every blocking call run off the event loop."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Final, TypeVar

import anyio.to_thread
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from mypy_boto3_s3 import S3Client

    from onething.core.settings import S3Settings

T = TypeVar("T")
ANYIO_DEFAULT_THREADS: Final = 40  # anyio.to_thread's default limit of threads at once


def create_s3_client(settings: S3Settings) -> S3Client:
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if settings.force_path_style else "auto"},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=3,
        read_timeout=10,
        # As many connections as calls can run at once: each blocking call runs on one of
        # anyio's worker threads (40 by default); with botocore's default of 10, the calls
        # beyond 10 opened a connection each and threw it away ("Connection pool is full").
        max_pool_connections=ANYIO_DEFAULT_THREADS,
    )
    return boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url or None,
        aws_access_key_id=settings.access_key_id or None,
        aws_secret_access_key=settings.secret_access_key or None,
        region_name=settings.region,
        config=config,
    )


class ObjectStorage:
    """The platform's buckets; methods are async and never block the loop."""

    def __init__(self, settings: S3Settings, client: S3Client | None = None) -> None:
        self.settings = settings
        self.client = client or create_s3_client(settings)

    async def _run(self, func: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(func)

    def ensure_buckets_sync(self) -> list[str]:
        """Create missing buckets, versioned where supported; return the names created."""
        created = []
        for bucket in self.settings.buckets:
            try:
                self.client.head_bucket(Bucket=bucket)
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket"}:
                    raise
                self.client.create_bucket(Bucket=bucket)
                created.append(bucket)
            self._enable_versioning(bucket)
        return created

    def _enable_versioning(self, bucket: str) -> None:
        try:
            self.client.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            )
        except ClientError as exc:
            # Some S3 implementations lack versioning; objects stay immutable by key anyway.
            if exc.response.get("Error", {}).get("Code") != "NotImplemented":
                raise

    async def ensure_buckets(self) -> list[str]:
        return await self._run(self.ensure_buckets_sync)

    async def check(self) -> None:
        """Raise unless every bucket is reachable with our credentials."""
        for bucket in self.settings.buckets:
            await self._run(partial(self.client.head_bucket, Bucket=bucket))

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> str | None:
        """Store an object; returns its version id where the bucket is versioned."""
        response = await self._run(
            partial(
                self.client.put_object, Bucket=bucket, Key=key, Body=data, ContentType=content_type
            )
        )
        return response.get("VersionId")

    async def presigned_get(
        self, bucket: str, key: str, *, expires_in: int, filename: str | None = None
    ) -> str:
        """A short-lived GET URL (signing is local: no request to S3 is made)."""
        params: dict[str, str] = {"Bucket": bucket, "Key": key}
        if filename is not None:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        url: str = await self._run(
            partial(
                self.client.generate_presigned_url,
                "get_object",
                Params=params,
                ExpiresIn=expires_in,
            )
        )
        return url

    async def delete_older_than(self, bucket: str, prefix: str, before: datetime) -> int:
        """Delete every version (and delete marker) under `prefix` last modified before
        `before` — in a versioned bucket a plain delete would only hide the data. Returns how
        many versions went."""
        return await self._run(partial(self._delete_older_than, bucket, prefix, before))

    def _delete_older_than(self, bucket: str, prefix: str, before: datetime) -> int:
        deleted = 0
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if item["LastModified"] < before:
                    self.client.delete_object(
                        Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"]
                    )
                    deleted += 1
        return deleted

    async def get_bytes(self, bucket: str, key: str) -> bytes:
        response = await self._run(partial(self.client.get_object, Bucket=bucket, Key=key))
        body = response["Body"]
        try:
            return await self._run(body.read)
        finally:
            body.close()
