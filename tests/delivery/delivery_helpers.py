"""Shared by the delivery tests: a valid mail-home choice and a submission that carries it."""

from __future__ import annotations

from typing import Any

MAIL_HOME: dict[str, str] = {
    "method": "mail",
    "recipient": "李丽华",
    "phone": "13812345678",
    "region": "500112",
    "address": "双龙湖街道金港大道 88 号 3 栋 1201",
}


async def inbox(api: Any, auth: dict[str, str]) -> dict[str, dict[str, Any]]:
    answer = await api.get("/api/v1/department/tasks", headers=auth)
    assert answer.status_code == 200, answer.text
    return {item["service"]: item for item in answer.json()["items"]}


async def approve(
    api: Any, auth: dict[str, str], task_id: str, output: dict[str, str] | None = None
) -> None:
    base = f"/api/v1/department/tasks/{task_id}"
    for step in ("accept", "start-review"):
        answer = await api.post(f"{base}/{step}", json={}, headers=auth)
        assert answer.status_code == 200, answer.text
    approved = await api.post(f"{base}/approve", json={"output": output or {}}, headers=auth)
    assert approved.status_code == 200, approved.text
