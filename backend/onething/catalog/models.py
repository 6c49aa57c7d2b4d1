"""Published catalog releases: every application records the catalog version it was made against."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base


class CatalogRelease(Base):
    """One version of the catalog's content, kept forever so old applications stay readable."""

    __tablename__ = "catalog_releases"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    bundle_count: Mapped[int] = mapped_column(Integer)
    service_count: Mapped[int] = mapped_column(Integer)
    # The decoded content (msgspec builtins of the Catalog): what the version hashes.
    content: Mapped[dict[str, object]] = mapped_column(JSONB)
