"""Tables owned by the platform core (not by any one domain)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base


class QueuePing(Base):
    """Written by the `core.ping` job: proof that enqueue → worker → database works end to end."""

    __tablename__ = "queue_pings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(64))
    worker_pid: Mapped[int] = mapped_column(Integer)
    processed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
