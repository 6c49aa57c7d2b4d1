"""Who may touch which application object, on top of identity's one rule (`can_access`).

Residents and their agents go through identity's rule unchanged. Department callers are a
clerk (whose account names the department, by catalog id or credit code) or a department's
own system with a client-credentials token carrying `department:<id>`.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from onething.core.errors import FORBIDDEN, NOT_FOUND, ProblemError
from onething.identity.access import Caller, Resource, can_access

if TYPE_CHECKING:
    from onething.catalog.model import Catalog

# Reads need `applications:read`, anything that creates or changes an object
# `applications:write` (a mini-app may be allowed to follow applications without acting).
READ: Final = "applications:read"
WRITE: Final = "applications:write"
DEPARTMENT_SCOPE_PREFIX: Final = "department:"


@dataclass(frozen=True, slots=True)
class Who:
    """What the timeline records about whoever acted."""

    sub: str
    act_sub: str | None
    client_id: str

    @classmethod
    def of(cls, caller: Caller) -> Who:
        principal = caller.principal
        act = principal.act.get("sub") if principal.act else None
        return cls(
            sub=principal.sub, act_sub=str(act) if act else None, client_id=principal.client_id
        )


def require_applicant(caller: Caller, bundle: str, *, launched_by: str | None = None) -> uuid.UUID:
    """The resident a new object is created for: the caller, or the resident an agent acts for
    within a delegation naming `bundle`; a mini-app only for what it launches (`launched_by`,
    a draft), never a submission or an upload."""
    if caller.user_id is None or not can_access(
        caller,
        Resource(owner_id=caller.user_id, bundle=bundle, launched_by=launched_by),
        scope=WRITE,
    ):
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有居民本人或其授权的代办人可以办理。",
            detail_en="Only the resident, or an agent they authorised for this bundle, may apply.",
        )
    return caller.user_id


def require_owner(
    caller: Caller,
    owner_id: uuid.UUID,
    bundle: str,
    *,
    scope: str,
    launched_by: str | None = None,
) -> None:
    """404 unless the caller is the owner or their agent for this bundle, with `scope`
    (`READ` or `WRITE`) in the token; a mini-app only when it launched the object
    (`launched_by`, given only where a mini-app may touch it)."""
    if caller.role == "clerk" or not can_access(
        caller, Resource(owner_id=owner_id, bundle=bundle, launched_by=launched_by), scope=scope
    ):
        raise ProblemError(NOT_FOUND)


@dataclass(frozen=True, slots=True)
class DepartmentCaller:
    department: str  # the catalog department id
    caller: Caller
    scope: str  # the one `department_of` checked, checked again per object


def department_of(caller: Caller, catalog: Catalog, *, scope: str) -> DepartmentCaller:
    """The department a clerk or a department system acts for, with `scope` (`READ` for the
    inbox, `WRITE` for decisions) in the token; 403 for anyone else."""
    principal = caller.principal
    department: str | None = None
    if scope in principal.scopes:
        if caller.role == "clerk" and caller.department_code:
            code = caller.department_code
            department = next(
                (d.id for d in catalog.departments.values() if code in {d.id, d.code}), None
            )
        elif caller.user_id is None and principal.sub == principal.client_id:
            named = {
                s.removeprefix(DEPARTMENT_SCOPE_PREFIX)
                for s in principal.scopes
                if s.startswith(DEPARTMENT_SCOPE_PREFIX)
            }
            if len(named) == 1 and (only := next(iter(named))) in catalog.departments:
                department = only
    if department is None:
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有部门工作人员或部门系统可以处理办件。",
            detail_en="Only a department's clerks or its system may handle tasks.",
        )
    return DepartmentCaller(department, caller, scope)


def require_department(who: DepartmentCaller, owner_id: uuid.UUID, task_department: str) -> None:
    """404 unless the task is assigned to the caller's department."""
    caller = who.caller
    if caller.role == "clerk":
        # identity's rule compares the account's department with the object's: give it the id.
        as_id = dataclasses.replace(caller, department_code=who.department)
        allowed = can_access(
            as_id, Resource(owner_id=owner_id, department_code=task_department), scope=who.scope
        )
    else:
        allowed = task_department == who.department
    if not allowed:
        raise ProblemError(NOT_FOUND)
