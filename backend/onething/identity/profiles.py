"""Remembered profile facts (the resident's own choice, per save): which data elements may be
kept — facts about the person and where they live, never the event's facts nor sensitive
numbers — and keeping, reading and forgetting them, sealed to the account."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete

from onething.catalog.model import rememberable
from onething.core.errors import VALIDATION, FieldError, ProblemError
from onething.identity.models import ResidentProfile

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.catalog.model import Catalog
    from onething.identity.crypto import FieldCipher

MAX_VALUE: Final = 200
MAX_FACTS: Final = 100


def may_keep(catalog: Catalog, element_id: str) -> bool:
    element = catalog.elements.get(element_id)
    return element is not None and rememberable(element)


def _context(user_id: uuid.UUID) -> str:
    return f"resident_profiles.facts:{user_id}"


def check_facts(catalog: Catalog, facts: dict[str, str]) -> dict[str, str]:
    """The facts as kept (trimmed, empty ones dropped), or every refusal at once (zh/en)."""
    errors = []
    if len(facts) > MAX_FACTS:
        errors.append(
            FieldError(
                field="facts",
                code="too_many",
                message_zh=f"最多保存 {MAX_FACTS} 项",
                message_en=f"At most {MAX_FACTS} facts",
            )
        )
    kept: dict[str, str] = {}
    for element_id, value in facts.items():
        if not may_keep(catalog, element_id):
            errors.append(
                FieldError(
                    field=f"facts.{element_id}",
                    code="not_rememberable",
                    message_zh="这一项不能保存（办事本身的信息或敏感号码）",
                    message_en="This fact cannot be kept (the event's own, or a sensitive number)",
                )
            )
        elif len(value) > MAX_VALUE:
            errors.append(
                FieldError(
                    field=f"facts.{element_id}",
                    code="too_long",
                    message_zh=f"不能超过 {MAX_VALUE} 个字符",
                    message_en=f"At most {MAX_VALUE} characters",
                )
            )
        elif value.strip():
            kept[element_id] = value.strip()
    if errors:
        raise ProblemError(VALIDATION, errors=errors)
    return kept


async def read_profile(session: AsyncSession, user_id: uuid.UUID) -> ResidentProfile | None:
    return await session.get(ResidentProfile, user_id)


def facts_of(cipher: FieldCipher, row: ResidentProfile) -> dict[str, str]:
    facts: dict[str, str] = json.loads(
        cipher.decrypt(row.facts_encrypted, context=_context(row.user_id))
    )
    return facts


async def save_profile(
    session: AsyncSession,
    cipher: FieldCipher,
    catalog: Catalog,
    user_id: uuid.UUID,
    facts: dict[str, str],
    *,
    now: datetime,
) -> ResidentProfile:
    """Replace what is kept with `facts` (the resident's latest answers); nothing on refusal."""
    kept = check_facts(catalog, facts)
    sealed = cipher.encrypt(json.dumps(kept, ensure_ascii=False), context=_context(user_id))
    row = await session.get(ResidentProfile, user_id, with_for_update=True)
    if row is None:
        row = ResidentProfile(user_id=user_id, consented_at=now)
        session.add(row)
    row.facts_encrypted = sealed
    row.updated_at = now
    return row


async def forget_profile(session: AsyncSession, user_id: uuid.UUID) -> bool:
    result = await session.execute(
        delete(ResidentProfile).where(ResidentProfile.user_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0))
