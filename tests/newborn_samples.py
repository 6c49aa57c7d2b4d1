"""Hand-written, realistic newborn-birth answers (a birth in Jiangbei, Chongqing), shared by the
catalog and applications tests."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from onething.catalog.codes import make_id_number

TODAY = dt.date(2025, 6, 18)
MOTHER_ID = make_id_number("500105", dt.date(1993, 4, 12), 124)  # even sequence: female
FATHER_ID = make_id_number("500112", dt.date(1991, 11, 3), 131)  # odd sequence: male
BANK_CARD = "6222021234567890128"  # passes the Luhn check

_NEWBORN: dict[str, dict[str, Any]] = {
    "situation": {
        "born_in_province": "yes",
        "mother_employee_insured": "yes",
        "parents_married": "yes",
        "father_listed": "yes",
    },
    "child": {
        "name": "李沐阳",
        "sex": "male",
        "birth_time": "2025-06-02T08:30:00+08:00",
        "gestational_weeks": 39,
        "birth_weight": 3350,
        "birth_length": 50,
        "health_status": "good",
        "birth_place": "500105",
        "birth_place_type": "maternal-child-centre",
        "birth_facility": "重庆市妇幼保健院",
        "birth_order": 1,
        "ethnicity": "01",
        "native_place": "500112",
        "relation_to_head": "20",
    },
    "mother": {
        "name": "王芳",
        "id_number": MOTHER_ID,
        "ethnicity": "01",
        "phone": "13812345678",
        "hukou_region": "500105",
        "employer": "重庆两江软件有限公司",
    },
    "father": {
        "name": "李强",
        "id_number": FATHER_ID,
        "ethnicity": "01",
        "phone": "13912345678",
        "hukou_region": "500112",
    },
    "marriage": {"registration_date": "2021-10-01", "certificate_number": "J500105-2021-004321"},
    "household": {
        "follows": "father",
        "head_name": "李强",
        "head_id_number": FATHER_ID,
        "region": "500112",
        "address": "重庆市渝北区龙溪街道金紫山路88号",
    },
    "residence": {"region": "500105", "address": "重庆市江北区观音桥街道建新北路1号3栋2单元501"},
    "maternity": {"delivery_mode": "vaginal", "fetus_count": 1},
    "insurance": {"premium_year": 2025, "sscard_bank": "cqrcb"},
    "vaccination": {"clinic": "观音桥街道社区卫生服务中心"},
    "benefit": {"bank": "icbc", "card_number": BANK_CARD, "account_holder": "王芳"},
    "delivery": {
        "recipient": "王芳",
        "phone": "13812345678",
        "region": "500105",
        "address": "重庆市江北区观音桥街道建新北路1号3栋2单元501",
    },
}


def newborn_answers() -> dict[str, dict[str, Any]]:
    """A complete, valid answer set for newborn-birth with childcare-subsidy chosen."""
    return copy.deepcopy(_NEWBORN)
