"""Shared by the delivery tests: a valid mail-home choice and a submission that carries it."""

from __future__ import annotations

MAIL_HOME: dict[str, str] = {
    "method": "mail",
    "recipient": "李丽华",
    "phone": "13812345678",
    "region": "500112",
    "address": "双龙湖街道金港大道 88 号 3 栋 1201",
}
