"""Prefill from the wallet: the catalog maps data elements to license fields (`prefill`); this
fills a bundle's elements from the licenses the caller may use for that bundle — their own,
their children's, and those shared with them for it — choosing whose license fills which
person's section by the section's own rule (a `sex` constraint: the mother's ID card is the
woman's), and a child's fact that follows its parents' (`of: parent`) from their licenses
when they agree (both parents' ID cards name the same ethnic group)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

import msgspec
from sqlalchemy import or_, select

from onething.applications.schemas import PrefilledValue
from onething.catalog.codes import parse_id_number
from onething.catalog.model import section_of
from onething.core.errors import VALIDATION, FieldError, ProblemError
from onething.licenses.grants import usable_by
from onething.licenses.issuance import holder_id_number, unseal_face
from onething.licenses.models import License, LicenseGrant, LicenseStatus
from onething.licenses.wallet import wallet_owner

if TYPE_CHECKING:
    import uuid

    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.access import Caller
    from onething.licenses.context import LicensesContext

PERSONS: Final = frozenset({"mother", "father", "guardian", "applicant", "deceased"})


class Prefill(msgspec.Struct, frozen=True, kw_only=True):
    bundle: str
    values: dict[str, PrefilledValue]  # by data element id


async def _usable(
    session: AsyncSession, user_id: uuid.UUID, bundle: str, now: dt.datetime
) -> list[License]:
    granted = select(LicenseGrant.license_id).where(LicenseGrant.grantee_user_id == user_id)
    rows = (
        (
            await session.execute(
                select(License)
                .where(
                    License.status == LicenseStatus.VALID,
                    or_(
                        License.holder_user_id == user_id,
                        License.guardian_ids.contains([user_id]),
                        License.id.in_(granted),
                    ),
                )
                .order_by(License.issued_at.desc())
            )
        )
        .scalars()
        .all()
    )
    # The one rule decides, grant by grant (purpose and period included).
    return [
        r for r in rows if await usable_by(session, r, user_id=user_id, purpose=bundle, now=now)
    ]


def _fits(
    section: str,
    sex: str | None,
    row: License,
    user_id: uuid.UUID,
    holder_sex: str | None,
    *,
    of_parent: bool = False,
) -> bool:
    if of_parent:  # the caller's own, or the other parent's shared for this bundle
        return user_id not in row.guardian_ids
    if section == "applicant":
        return row.holder_user_id == user_id
    if section in PERSONS:
        return sex is None or sex == holder_sex
    if section == "child":
        return user_id in row.guardian_ids
    if section == "benefit":  # paid into an account in the recipient's own name
        return row.holder_user_id == user_id
    return True


async def prefill_for(
    session: AsyncSession, ctx: LicensesContext, caller: Caller, bundle: str, *, now: dt.datetime
) -> Prefill:
    user_id = wallet_owner(caller)
    catalog = ctx.catalog
    if bundle not in catalog.bundles:
        raise ProblemError(
            VALIDATION,
            errors=[
                FieldError(
                    field="bundle",
                    code="unknown_bundle",
                    message_zh="没有这件事",
                    message_en="No such bundle",
                )
            ],
        )
    wanted = {
        f.element
        for entry in catalog.bundles[bundle].services
        for f in catalog.services[entry.service].form
    }
    licenses = await _usable(session, user_id, bundle, now)
    sexes: dict[str, str | None] = {}
    faces: dict[str, dict[str, tuple[str, Any]]] = {}
    for row in licenses:
        number = holder_id_number(ctx, row)
        sexes[str(row.id)] = parse_id_number(number).sex if number else None
        faces[str(row.id)] = unseal_face(ctx, row)
    values: dict[str, PrefilledValue] = {}
    for element_id in sorted(wanted):
        element = catalog.elements[element_id]
        section = section_of(element_id)
        sex = element.constraints.sex if element.type == "id_number" else None
        if sex is None:
            sibling = catalog.elements.get(f"{section}.id_number")
            sex = sibling.constraints.sex if sibling is not None else None
        for source in element.prefill:
            fitting = [
                r
                for r in licenses
                if r.license_type == source.license
                and source.field in faces[str(r.id)]
                and _fits(
                    section, sex, r, user_id, sexes[str(r.id)], of_parent=source.of == "parent"
                )
            ]
            # A fact that follows the parents' is suggested only where the parents agree.
            found = {repr(faces[str(r.id)][source.field][1]) for r in fitting}
            chosen = fitting[0] if fitting and (source.of is None or len(found) == 1) else None
            if chosen is not None:
                values[element_id] = PrefilledValue(
                    value=faces[str(chosen.id)][source.field][1],
                    source="license",
                    license_id=str(chosen.id),
                    license_type=chosen.license_type,
                    field=source.field,
                )
                break
    return Prefill(bundle=bundle, values=values)
