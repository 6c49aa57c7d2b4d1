"""OpenAPI examples of the applications API's bodies (a newborn-birth in Jiangbei, Chongqing;
every person and number is made up, ID numbers only pass their check digit)."""

from __future__ import annotations

from typing import Any, Final

from onething.applications import schemas as s
from onething.catalog.examples import CATALOG_VERSION

DRAFT_ID: Final = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"
APPLICATION_ID: Final = "2b7e151c-28ae-4d2a-a6f7-15880945cf4f"
TASK_ID: Final = "9a3f5c2e-1b4d-4e6f-8a9b-0c1d2e3f4a5b"
MATERIAL_ID: Final = "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293"
SHA256: Final = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

CHILD: Final[dict[str, Any]] = {
    "name": "李沐阳",
    "sex": "male",
    "birth_time": "2025-06-02T08:30:00+08:00",
    "gestational_weeks": 39,
    "birth_weight": 3350,
    "birth_length": 50,
    "birth_place": "500105",
    "birth_facility": "重庆市妇幼保健院",
}
ANSWERS: Final[dict[str, Any]] = {
    "child": CHILD,
    "mother": {"name": "王芳", "id_number": "500105199304121247", "phone": "13812345678"},
    "father": {"name": "李强", "id_number": "500112199111031310", "phone": "13912345678"},
}
SITUATION: Final = {"born_in_province": "yes", "parents_married": "yes", "father_listed": "yes"}

_TASK: Final[dict[str, Any]] = {
    "id": TASK_ID,
    "service": "birth-medical-certificate",
    "department": "health-commission",
    "state": "in_review",
    "dispatched_at": "2025-06-18T09:12:03Z",
    "decided_at": None,
    "due_on": "2025-06-19",
    "due_planned": False,
    "due_provisional": False,
    "waits_for": [],
}
_WAITING: Final[dict[str, Any]] = {
    **_TASK,
    "id": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
    "service": "hukou-birth-registration",
    "department": "public-security",
    "state": "waiting_upstream",
    "dispatched_at": None,
    "due_on": "2025-06-20",
    "due_planned": True,
    "waits_for": ["birth-medical-certificate"],
}
_INBOX_ITEM = {
    "task_id": TASK_ID,
    "application_id": APPLICATION_ID,
    "bundle": "newborn-birth",
    "service": "birth-medical-certificate",
    "state": "submitted",
    "dispatched_at": "2025-06-18T09:12:03Z",
    "due_on": "2025-06-19",
    "overdue": False,
}
_TIMELINE_EVENT = {
    "id": 41,
    "at": "2025-06-18T09:12:03Z",
    "kind": "task.dispatched",
    "task_id": TASK_ID,
    "service": "birth-medical-certificate",
    "from_state": None,
    "to_state": "submitted",
    "actor_kind": "system",
    "actor": None,
    "act": None,
    "detail": {"due_on": "2025-06-19"},
}
_CO_REQUEST = {
    "id": "5e6f7081-92a3-4b4c-8d5e-6f708192a3b4",
    "co_applicant_phone": "139****5678",
    "services": ["birth-medical-certificate", "birth-registration"],
    "status": "confirmed",
    "draft_version": 4,
    "created_at": "2025-06-18T08:40:00Z",
    "decided_at": "2025-06-18T08:55:12Z",
    "reason": None,
}
_MATERIAL = {
    "id": MATERIAL_ID,
    "material": "birth-hospital-record",
    "content_type": "application/pdf",
    "status": "accepted",
    "size": 182044,
    "sha256": SHA256,
    "refusal": None,
}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    s.DraftCreate: [
        {"bundle": "newborn-birth", "situation_answers": SITUATION},
        {
            "bundle": "newborn-birth",
            "prefill": {
                "child.sex": "male",
                "child.birth_time": "2025-06-02T08:30:00+08:00",
                "child.birth_weight": 3350,
                "child.birth_facility": "重庆市妇幼保健院",
            },
        },
    ],
    s.DraftUpdate: [{"answers": ANSWERS, "situation_answers": SITUATION, "optional_services": []}],
    s.DraftView: [
        {
            "id": DRAFT_ID,
            "bundle": "newborn-birth",
            "version": 3,
            "answers": ANSWERS,
            "situation_answers": SITUATION,
            "optional_services": [],
            "updated_at": "2025-06-18T08:31:10Z",
            "launched_by": {
                "client_id": "hospital-mini-app",
                "name": {"zh": "市妇幼保健院", "en": "City Maternity Hospital"},
            },
            "prefill": {
                "child.birth_weight": {
                    "value": 3350,
                    "source": "client",
                    "client_id": "hospital-mini-app",
                    "license_id": None,
                    "license_type": None,
                    "field": None,
                }
            },
        }
    ],
    s.DraftSummary: [
        {
            "id": DRAFT_ID,
            "bundle": "newborn-birth",
            "version": 3,
            "updated_at": "2025-06-18T08:31:10Z",
        }
    ],
    s.ApplicationSubmit: [
        {
            "bundle": "newborn-birth",
            "draft_id": DRAFT_ID,
            "situation_answers": SITUATION,
            "optional_services": [],
            "answers": ANSWERS,
            "materials": [MATERIAL_ID],
            "delivery": {
                "method": "mail",
                "recipient": "王芳",
                "phone": "13812345678",
                "region": "500105",
                "address": "观音桥街道建新北路1号3栋2单元501",
            },
        }
    ],
    s.ApplicationView: [
        {
            "id": APPLICATION_ID,
            "bundle": "newborn-birth",
            "catalog_version": CATALOG_VERSION,
            "status": "in_progress",
            "submitted_at": "2025-06-18T09:12:02Z",
            "promised_on": "2025-06-25",
            "tasks": [_TASK, _WAITING],
        }
    ],
    s.TaskView: [_TASK],
    s.TimelineEventView: [_TIMELINE_EVENT],
    s.TimelinePage: [{"events": [_TIMELINE_EVENT], "next_after": 41}],
    s.Withdrawal: [{"reason": "信息填写有误，重新申请"}],
    s.CorrectionRequest: [
        {
            "message": "出生体重与出生医学记录不一致，请核对",
            "fields": ["child.birth_weight"],
            "materials": [],
        }
    ],
    s.CorrectionSubmit: [{"answers": {"child": {"birth_weight": 3350}}, "materials": []}],
    s.MaterialSupply: [{"material": MATERIAL_ID}],
    s.DecisionNote: [{"note": "材料齐全，予以受理"}],
    s.Refusal: [{"reason": "孩子不在本区出生，请向出生地卫生健康部门申请"}],
    s.PendingMaterial: [
        {
            "material": "marriage-certificate",
            "deadline": "2025-06-24",
            "message": "请在期限内补交结婚证",
        }
    ],
    s.Approval: [{"output": {"certificate_number": "Q500105250153"}}],
    s.InboxItem: [_INBOX_ITEM],
    s.InboxPage: [{"items": [_INBOX_ITEM], "next_after": TASK_ID}],
    s.UpstreamOutput: [
        {
            "task_id": TASK_ID,
            "service": "birth-medical-certificate",
            "license_type": "birth-medical-certificate",
            "elements": {"child.birth_certificate_number": "Q500105250153"},
        }
    ],
    s.DepartmentTaskView: [
        {
            "task_id": TASK_ID,
            "application_id": APPLICATION_ID,
            "bundle": "newborn-birth",
            "service": "birth-medical-certificate",
            "state": "submitted",
            "dispatched_at": "2025-06-18T09:12:03Z",
            "due_on": "2025-06-19",
            "answers": {"child": CHILD},
            "materials": [
                {
                    "id": MATERIAL_ID,
                    "material": "birth-hospital-record",
                    "content_type": "application/pdf",
                    "size": 182044,
                    "sha256": SHA256,
                }
            ],
            "upstream": [],
            "licenses": [],
            "pending": None,
            "allowed_events": ["accept", "accept_pending_material", "refuse"],
        }
    ],
    s.UploadRequest: [
        {
            "bundle": "newborn-birth",
            "material": "birth-hospital-record",
            "content_type": "application/pdf",
            "sha256": SHA256,
        }
    ],
    s.UploadTicket: [
        {
            "id": MATERIAL_ID,
            "url": "https://s3.example.gov.cn/onething-materials",
            "fields": {
                "key": "uploads/c4d5e6f7-0819-4a2b-8c3d-4e5f60718293",
                "Content-Type": "application/pdf",
                "policy": "eyJleHBpcmF0aW9uIjogIjIwMjUtMDYtMThUMDk6MjI6MDBaIn0=",
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "x-amz-signature": "6b3f…",
            },
            "max_size": 10485760,
            "expires_at": "2025-06-18T09:22:00Z",
        }
    ],
    s.MaterialView: [_MATERIAL],
    s.CoApplicantAsk: [{"phone": "13912345678"}],
    s.CoApplicantDecline: [{"reason": "孩子的名字还没有商量好"}],
    s.CoApplicantRequestView: [_CO_REQUEST],
    s.CoApplicantStatus: [
        {
            "required": True,
            "services": ["birth-medical-certificate", "birth-registration"],
            "request": _CO_REQUEST,
            "current": True,
        }
    ],
    s.CoApplicantInvite: [
        {
            "id": "5e6f7081-92a3-4b4c-8d5e-6f708192a3b4",
            "bundle": "newborn-birth",
            "applicant_phone": "138****5678",
            "services": ["birth-medical-certificate", "birth-registration"],
            "facts": {"child": CHILD},
            "status": "pending",
            "created_at": "2025-06-18T08:40:00Z",
            "decided_at": None,
            "reason": None,
        }
    ],
}
