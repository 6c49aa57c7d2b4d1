"""OpenAPI examples of the delivery API's bodies (made-up recipient and address)."""

from __future__ import annotations

from typing import Any, Final

from onething.delivery import schemas as s

_ITEM: Final = {
    "task_id": "9a3f5c2e-1b4d-4e6f-8a9b-0c1d2e3f4a5b",
    "service": "birth-medical-certificate",
    "ready_at": "2025-06-19T10:02:00Z",
}
_PARCEL: Final = {
    "id": "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
    "number": 1,
    "state": "shipped",
    "ship_on": "2025-06-20",
    "courier": "local",
    "tracking_number": "LC202506200001",
    "items": [_ITEM],
}
_CHOICE_IN: Final = {
    "method": "mail",
    "recipient": "王芳",
    "phone": "13812345678",
    "region": "500105",
    "address": "观音桥街道建新北路1号3栋2单元501",
}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    s.DeliveryChoiceIn: [_CHOICE_IN, {"method": "collect", "hall": "cq-yubei"}],
    s.DeliveryChoiceView: [
        {
            **_CHOICE_IN,
            "region_name": "重庆市江北区",
            "hall": None,
            "version": 1,
            "updated_at": "2025-06-18T09:12:02Z",
        }
    ],
    s.ParcelItemView: [_ITEM],
    s.ParcelView: [_PARCEL],
    s.DeliveryView: [
        {
            "application_id": "2b7e151c-28ae-4d2a-a6f7-15880945cf4f",
            "choice": {
                **_CHOICE_IN,
                "region_name": "重庆市江北区",
                "hall": None,
                "version": 1,
                "updated_at": "2025-06-18T09:12:02Z",
            },
            "changeable": False,
            "parcels": [_PARCEL],
        }
    ],
    s.ServiceHallView: [
        {
            "id": "cq-yubei",
            "name_zh": "重庆市渝北区政务服务中心",
            "name_en": "Yubei District Government Service Centre, Chongqing",
            "region_code": "500112",
            "address_zh": "重庆市渝北区双龙湖街道渝北区政务服务中心一楼综合窗口",
            "hours_zh": "工作日 9:00–17:00",
        }
    ],
    s.TrackingAck: [{"outcome": "applied"}],
    s.PickupLookup: [{"pickup_code": "482913"}],
    s.HandOver: [{"pickup_code": "482913", "collector": "applicant"}],
    s.PickupItemView: [
        {
            "service": "birth-medical-certificate",
            "name_zh": "出生医学证明",
            "name_en": "Birth medical certificate",
        }
    ],
    s.PickupView: [
        {
            "parcel_id": "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
            "application_id": "2b7e151c-28ae-4d2a-a6f7-15880945cf4f",
            "number": 1,
            "state": "at_hall",
            "hall": "cq-yubei",
            "resident": "王*",
            "waiting_since": "2025-06-20T02:00:00Z",
            "items": [
                {
                    "service": "birth-medical-certificate",
                    "name_zh": "出生医学证明",
                    "name_en": "Birth medical certificate",
                }
            ],
        }
    ],
}
