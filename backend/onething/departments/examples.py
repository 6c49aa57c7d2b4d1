"""OpenAPI examples of the department webhook administration bodies."""

from __future__ import annotations

from typing import Any, Final

from onething.departments import schemas as s

_DEAD: Final = {
    "event_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "department": "public-security",
    "client_id": None,
    "type": "task.dispatched",
    "created_at": "2025-06-18T09:12:03Z",
    "attempts": 8,
    "last_attempt_at": "2025-06-18T13:29:41Z",
    "last_error": "HTTP 503",
    "dead_at": "2025-06-18T13:29:41Z",
}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    s.EndpointSet: [
        {
            "url": "https://gaj.example.gov.cn/onething/events",
            "secret": "k4Q9vJ2mX7pR1tY6wZ3bN8cF5hL0sD2aE9gU4iO7",
        }
    ],
    s.EndpointView: [
        {
            "department": "public-security",
            "url": "https://gaj.example.gov.cn/onething/events",
            "updated_at": "2025-06-01T02:00:00Z",
            "updated_by": "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
        }
    ],
    s.DeadLetter: [_DEAD],
    s.DeadLetterPage: [{"items": [_DEAD], "next_after": None}],
}
