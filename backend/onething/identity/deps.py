"""Dependency types for identity handlers (explicitly named, as Litestar 3 will require)."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from onething.identity.context import IdentityContext

DbSession: TypeAlias = NamedDependency[AsyncSession]
Ctx: TypeAlias = NamedDependency[IdentityContext]
