"""Accounts in the database: personal numbers never in plain text, events append-only."""

from __future__ import annotations

import pytest
from identity_helpers import Browser
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.metadata import target_metadata
from onething.identity.context import IdentityContext
from onething.identity.events import record_event
from onething.identity.services import (
    InvalidAccountDataError,
    find_by_id_number,
    find_by_phone,
    new_user,
    real_name,
)

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


async def test_no_table_holds_a_national_id_number_or_phone_in_plain_text(
    sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext, browser: Browser
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(new_user(ctx, phone=PHONE, name="张三", id_number=ID_NUMBER))
    await browser.login(PHONE)  # codes, SMS outbox, sessions, security events
    async with sessionmaker() as session:
        for table in target_metadata.sorted_tables:
            rows = await session.execute(text(f'SELECT t::text FROM "{table.name}" t'))
            dump = "\n".join(row[0] for row in rows)
            assert ID_NUMBER not in dump.upper(), f"plain ID number in {table.name}"
            assert ID_NUMBER[:17] not in dump, f"ID number digits in {table.name}"
            assert PHONE not in dump, f"plain phone number in {table.name}"
            assert "张三" not in dump, f"plain name in {table.name}"


async def test_accounts_are_found_by_blind_index_and_decrypt_for_their_holder(
    sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext, clean_db: None
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(new_user(ctx, phone=PHONE, name="张三", id_number=ID_NUMBER.lower()))
    async with sessionmaker() as session:
        by_id = await find_by_id_number(session, ctx, ID_NUMBER)
        by_phone = await find_by_phone(session, ctx, "+86 139 1234 5678")
        assert by_id is not None
        assert by_phone is not None
        assert by_id.id == by_phone.id
        assert real_name(ctx, by_id).id_number == ID_NUMBER
        assert real_name(ctx, by_id).name == "张三"


def test_an_invalid_id_number_or_a_clerk_without_department_is_refused(
    ctx: IdentityContext,
) -> None:
    with pytest.raises(InvalidAccountDataError):
        new_user(ctx, id_number="110105194912310021")  # wrong check character
    with pytest.raises(InvalidAccountDataError):
        new_user(ctx, role="clerk")
    with pytest.raises(InvalidAccountDataError):
        new_user(ctx, role="resident", department_code="gongan")
    assert new_user(ctx, role="clerk", department_code="gongan").department_code == "gongan"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE security_events SET event_type = 'x'", "DELETE FROM security_events"],
)
async def test_security_events_refuse_update_and_delete(
    sessionmaker: async_sessionmaker[AsyncSession], clean_db: None, statement: str
) -> None:
    async with sessionmaker() as session, session.begin():
        record_event(session, "login_succeeded", act_sub=None, detail={"amr": ["sms"]})
    async with sessionmaker() as session:
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text(statement))
        await session.rollback()
        count = (await session.execute(text("SELECT count(*) FROM security_events"))).scalar()
        assert count == 1


async def test_the_pwa_client_is_ensured_idempotently(
    sessionmaker: async_sessionmaker[AsyncSession], clean_db: None
) -> None:
    from onething.identity.clients import PWA_CLIENT_ID, ensure_pwa_client
    from onething.identity.models import OAuthClient

    for url in ("http://127.0.0.1:8000", "https://onething.example"):
        async with sessionmaker() as session, session.begin():
            await ensure_pwa_client(session, url)
    async with sessionmaker() as session:
        client = await session.get(OAuthClient, PWA_CLIENT_ID)
    assert client is not None
    assert client.redirect_uris == ["https://onething.example/auth/callback"]
    assert client.token_endpoint_auth_method == "none"
    assert client.first_party
