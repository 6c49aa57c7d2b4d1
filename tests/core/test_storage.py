"""The S3 service really checks signatures: wrong secrets and anonymous requests are refused."""

from __future__ import annotations

from dataclasses import replace
from urllib.request import urlopen

import anyio.to_thread
import pytest
from botocore.exceptions import ClientError

from onething.core.settings import Settings
from onething.core.storage import ObjectStorage, create_s3_client


async def test_objects_round_trip_through_our_buckets(storage: ObjectStorage) -> None:
    bucket = storage.settings.materials_bucket
    await storage.put_bytes(bucket, "roundtrip/hello.txt", "出生医学证明".encode(), "text/plain")
    assert (await storage.get_bytes(bucket, "roundtrip/hello.txt")).decode() == "出生医学证明"


def test_a_request_signed_with_a_wrong_secret_is_refused(settings: Settings) -> None:
    wrong = create_s3_client(replace(settings.s3, secret_access_key="wrong-secret"))
    with pytest.raises(ClientError) as refused:
        wrong.list_objects_v2(Bucket=settings.s3.materials_bucket)
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_an_unknown_access_key_is_refused(settings: Settings) -> None:
    stranger = create_s3_client(replace(settings.s3, access_key_id="AKNOBODY0000"))
    with pytest.raises(ClientError) as refused:
        stranger.list_objects_v2(Bucket=settings.s3.materials_bucket)
    assert refused.value.response["Error"]["Code"] == "InvalidAccessKeyId"


async def test_an_unsigned_request_cannot_read_objects(
    storage: ObjectStorage, settings: Settings
) -> None:
    bucket = settings.s3.licenses_bucket
    await storage.put_bytes(bucket, "private/cert.pdf", b"%PDF-1.7 secret", "application/pdf")
    url = f"{settings.s3.endpoint_url}/{bucket}/private/cert.pdf"
    with pytest.raises(Exception, match="403") as refused:
        await anyio.to_thread.run_sync(lambda: urlopen(url, timeout=5))
    assert "403" in str(refused.value)


def test_buckets_are_versioned(storage: ObjectStorage) -> None:
    for bucket in storage.settings.buckets:
        assert storage.client.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"


async def test_every_bucket_accepts_writes(storage: ObjectStorage) -> None:
    # SeaweedFS grows volumes per bucket; a too-small volume limit starves the later buckets.
    for bucket in storage.settings.buckets:
        await storage.put_bytes(bucket, "probe/every-bucket.txt", b"ok", "text/plain")
        assert await storage.get_bytes(bucket, "probe/every-bucket.txt") == b"ok"
