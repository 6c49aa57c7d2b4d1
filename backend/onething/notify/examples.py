"""OpenAPI examples of the notification API's bodies."""

from __future__ import annotations

from typing import Any, Final

from onething.notify import schemas as s

_KEYS: Final = {
    "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    "auth": "tBHItJI5svbpez7KI4CCXg",
}
_MESSAGE: Final = {
    "id": "8d9e0f1a-2b3c-4d5e-8f6a-7b8c9d0e1f2a",
    "template": "parcel.ordered",
    "title": "证件已交寄",
    "body": "第 1 件邮件已交给快递，运单号 LC202506200001。",
    "application_id": "2b7e151c-28ae-4d2a-a6f7-15880945cf4f",
    "created_at": "2025-06-20T08:00:00Z",
    "read_at": None,
}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    s.PushKeys: [_KEYS],
    s.PushSubscriptionIn: [
        {"endpoint": "https://push.example.com/send/f7c1e2d3a4b5", "keys": _KEYS}
    ],
    s.PushSubscriptionView: [
        {
            "id": "4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d",
            "endpoint": "https://push.example.com/send/f7c1e2d3a4b5",
            "created_at": "2025-06-18T09:15:00Z",
        }
    ],
    s.VapidKey: [
        {
            "public_key": (
                "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"
            )
        }
    ],
    s.PreferencesIn: [{"push": True, "sms": False, "language": "zh-CN"}],
    s.PreferencesView: [{"push": True, "sms": False, "language": "zh-CN"}],
    s.MessageView: [_MESSAGE],
    s.MessagePage: [{"messages": [_MESSAGE], "unread": 1}],
}
