"""Launching the newborn-birth bundle for a resident: the hospital's delivery record becomes a
OneThing draft prefilled with the birth facts the hospital is the authoritative source of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

from hospital_miniapp.oauth import Tokens

BUNDLE = "newborn-birth"
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """What the delivery room recorded: exactly the facts the hospital registered as its own
    (`asserts` at registration). The child's name is the parents' to give, so it is not here."""

    sex: str  # codelist `sex`: male | female
    birth_time: dt.datetime
    gestational_weeks: int
    birth_weight: int  # g
    birth_length: int  # cm
    health_status: str  # good | fair | poor
    birth_place: str  # GB/T 2260 county code of the hospital
    birth_facility: str
    delivery_mode: str  # vaginal | difficult | caesarean (the mother's maternity leave)
    fetus_count: int  # babies born in this delivery

    def prefill(self) -> dict[str, Any]:
        """As OneThing's data elements (element id → value)."""
        return {
            "child.sex": self.sex,
            "child.birth_time": self.birth_time.isoformat(timespec="seconds"),
            "child.gestational_weeks": self.gestational_weeks,
            "child.birth_weight": self.birth_weight,
            "child.birth_length": self.birth_length,
            "child.health_status": self.health_status,
            "child.birth_place": self.birth_place,
            "child.birth_place_type": "maternal-child-centre",
            "child.birth_facility": self.birth_facility,
            "maternity.delivery_mode": self.delivery_mode,
            "maternity.fetus_count": self.fetus_count,
        }


def demo_record(today: dt.date | None = None) -> DeliveryRecord:
    """The demo's one delivery: a boy born three days ago at 08:30 in Jiangbei."""
    today = today or dt.datetime.now(CHINA).date()
    born = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(8, 30), tzinfo=CHINA)
    return DeliveryRecord(
        sex="male",
        birth_time=born,
        gestational_weeks=39,
        birth_weight=3350,
        birth_length=50,
        health_status="good",
        birth_place="500105",
        birth_facility="重庆市妇幼保健院",
        delivery_mode="vaginal",
        fetus_count=1,
    )


class LaunchError(Exception):
    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status}: {problem.get('title')}")
        self.status = status
        self.problem = problem


def launch_draft(platform_url: str, access_token: str, record: DeliveryRecord) -> dict[str, Any]:
    """POST /api/v1/drafts with the resident's token: the draft, each prefilled value marked
    with this client as its source. A refused fact comes back as a 422 problem naming it."""
    answer = httpx.post(
        f"{platform_url}/api/v1/drafts",
        headers={"Authorization": f"Bearer {access_token}", "Accept-Language": "zh-CN"},
        json={"bundle": BUNDLE, "prefill": record.prefill()},
        timeout=10,
    )
    if answer.status_code != 201:
        problem = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
        raise LaunchError(answer.status_code, problem)
    draft: dict[str, Any] = answer.json()
    return draft


def launched_applications(platform_url: str, tokens: Tokens) -> set[str]:
    """Ids of the resident's applications launched through this client (what its token may
    read); empty once the token has expired or the consent was withdrawn."""
    answer = httpx.get(
        f"{platform_url}/api/v1/applications",
        headers={"Authorization": f"Bearer {tokens.access_token}"},
        timeout=10,
    )
    if answer.status_code != 200:
        return set()
    return {str(application["id"]) for application in answer.json()}
