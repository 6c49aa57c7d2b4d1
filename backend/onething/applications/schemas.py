"""Request and response bodies of the applications API (msgspec Structs, written per use)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from onething.delivery.schemas import DeliveryChoiceIn
from onething.licenses.schemas import TaskLicense

CatalogId = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
ElementId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
Sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
Answers = dict[str, dict[str, Any]]  # nested by form section, as the merged form's schema


class _In(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


# --- drafts -------------------------------------------------------------------------------


class DraftCreate(_In):
    bundle: CatalogId
    situation_answers: dict[str, str] = {}
    optional_services: list[CatalogId] = []
    # A mini-app's prefilled launch: values by data element id (`child.birth_time`), each
    # within the facts its registration says it is authoritative for (`asserts`).
    prefill: dict[ElementId, Any] = {}


class PrefilledValue(msgspec.Struct, frozen=True, kw_only=True):
    """A form value that came from a source rather than the resident's typing: an e-license
    the resident may use (`source` "license": `license_id`, `license_type`, `field`) or a
    mini-app authoritative for the fact (`source` "client": `client_id`). The resident
    confirms or changes it; a changed value loses its source."""

    value: Any
    source: Literal["license", "client"]
    license_id: str | None = None
    license_type: str | None = None
    field: str | None = None
    client_id: str | None = None


class ClientName(msgspec.Struct, frozen=True, kw_only=True):
    zh: str
    en: str


class LaunchedBy(msgspec.Struct, frozen=True, kw_only=True):
    """The mini-app that started a draft for the resident, named as on its consent page."""

    client_id: str
    name: ClientName


class DraftUpdate(_In):
    """The whole draft as the client has it now (autosave replaces, never merges)."""

    answers: Answers
    situation_answers: dict[str, str] = {}
    optional_services: list[CatalogId] = []


class DraftView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    bundle: str
    situation_answers: dict[str, str]
    optional_services: list[str]
    answers: Answers
    version: int
    updated_at: dt.datetime
    # Set when a mini-app launched the draft; `prefill` holds the answers that are still
    # exactly as that source gave them, by data element id.
    launched_by: LaunchedBy | None = None
    prefill: dict[str, PrefilledValue] = {}


class DraftSummary(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    bundle: str
    version: int
    updated_at: dt.datetime


# --- applications -------------------------------------------------------------------------


class ApplicationSubmit(_In):
    bundle: CatalogId
    answers: Answers
    situation_answers: dict[str, str] = {}
    optional_services: list[CatalogId] = []
    # Verified uploads (see /materials) handed in with the application.
    materials: list[uuid.UUID] = []
    # The draft this came from; it is deleted with the submission.
    draft_id: uuid.UUID | None = None
    # Mail home or collect at a hall (see the delivery domain); may be chosen later too.
    delivery: DeliveryChoiceIn | None = None


class TaskView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    service: str
    department: str
    state: str
    waits_for: list[str]
    dispatched_at: dt.datetime | None
    # The department's deadline once dispatched; before that, the planned one.
    due_on: dt.date
    due_planned: bool
    # True when the date runs through a year whose holidays are not yet published.
    due_provisional: bool
    decided_at: dt.datetime | None


class ApplicationView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    bundle: str
    catalog_version: str
    status: str  # derived from the tasks
    submitted_at: dt.datetime
    promised_on: dt.date
    tasks: list[TaskView]
    # The mini-app that launched it, and the data elements submitted as that mini-app gave them.
    launched_by: str | None = None
    prefilled_by_client: list[str] = []


class TimelineEventView(msgspec.Struct, kw_only=True):
    id: int
    at: dt.datetime
    kind: str
    task_id: uuid.UUID | None
    service: str | None
    from_state: str | None
    to_state: str | None
    actor_kind: str
    actor: str | None
    act: str | None  # the agent, when one acted for the resident
    # The agent's name, for the resident and the agent in the platform's own app only.
    act_name: str | None = None
    detail: dict[str, Any]


class TimelinePage(msgspec.Struct, kw_only=True):
    events: list[TimelineEventView]
    next_after: int | None  # pass as `after` for the next page; null at the end


# --- department side ----------------------------------------------------------------------


class InboxItem(msgspec.Struct, kw_only=True):
    task_id: uuid.UUID
    application_id: uuid.UUID
    bundle: str
    service: str
    state: str
    dispatched_at: dt.datetime
    due_on: dt.date | None
    overdue: bool


class InboxPage(msgspec.Struct, kw_only=True):
    items: list[InboxItem]
    next_after: uuid.UUID | None


class UpstreamOutput(msgspec.Struct, kw_only=True):
    service: str
    task_id: uuid.UUID
    # Produced facts this service's own form asks for (e.g. child.id_number), nothing else.
    elements: dict[str, Any]
    license_type: str | None
    # The e-license the upstream issued, once it exists (details under `licenses`).
    license_id: uuid.UUID | None = None
    license_identifier: str | None = None


class MaterialRef(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    material: str
    content_type: str
    size: int | None
    sha256: str | None


class DepartmentTaskView(msgspec.Struct, kw_only=True):
    task_id: uuid.UUID
    application_id: uuid.UUID
    bundle: str
    service: str
    state: str
    dispatched_at: dt.datetime | None
    due_on: dt.date | None
    answers: Answers  # the projection of the merged answers onto this service's form
    upstream: list[UpstreamOutput]
    materials: list[MaterialRef]
    # E-licenses standing in for this service's materials, and those issued upstream: name,
    # identifier, current status, whether the issuer's signature verifies, the face.
    licenses: list[TaskLicense]
    pending: dict[str, Any] | None
    allowed_events: list[str]


class DecisionNote(_In):
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Refusal(_In):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class CorrectionRequest(_In):
    """补正: what to fix, named; the resident changes only these."""

    message: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    fields: list[ElementId] = []
    materials: list[CatalogId] = []


class PendingMaterial(_In):
    """容缺受理: accepted although `material` is missing; it must come by `deadline`."""

    material: CatalogId
    deadline: dt.date
    message: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class Approval(_In):
    """The decision, with the facts the service produces (e.g. {"child.id_number": "…"})."""

    output: dict[ElementId, Any] = {}


# --- materials ----------------------------------------------------------------------------


ContentType = Literal["application/pdf", "image/jpeg", "image/png", "image/heic"]


class UploadRequest(_In):
    bundle: CatalogId  # the application it is for
    material: CatalogId
    content_type: ContentType
    sha256: Sha256  # of the file the client will upload; checked after the upload


class UploadTicket(msgspec.Struct, kw_only=True):
    """A presigned S3 POST: send `fields` plus the file (last) as multipart/form-data to `url`."""

    id: uuid.UUID
    url: str
    fields: dict[str, str]
    max_size: int
    expires_at: dt.datetime


class MaterialView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    material: str
    content_type: str
    status: str
    size: int | None
    sha256: str | None
    refusal: str | None


# --- the resident's answers to a department ----------------------------------------------


class CorrectionSubmit(_In):
    """补正: new values for exactly the fields the department named (nested by section), and
    verified uploads of the materials it named."""

    answers: Answers = {}
    materials: list[uuid.UUID] = []


class MaterialSupply(_In):
    """容缺: the verified upload of the material promised at intake."""

    material: uuid.UUID


class Withdrawal(_In):
    """Why the resident withdraws or cancels (optional; goes on the timeline)."""

    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


# --- co-applicant confirmation (共同申请人确认) -------------------------------------------------


class CoApplicantAsk(_In):
    """Whom to ask: the other parent's mobile number (the one their account signs in with)."""

    phone: Annotated[str, msgspec.Meta(min_length=11, max_length=20, examples=["13912345678"])]
    # The answers exactly as they will be submitted (typed values, times with their offset);
    # without them, the draft's saved answers. Only the co-signed services' facts are kept.
    answers: Answers | None = None


class CoApplicantDecline(_In):
    """Why the other parent does not confirm; the applicant sees it."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class CoApplicantRequestView(msgspec.Struct, kw_only=True):
    """A confirmation request as its applicant sees it (no facts: they are the applicant's)."""

    id: uuid.UUID
    status: Literal["pending", "confirmed", "declined", "superseded"]
    co_applicant_phone: str  # masked: 139****5678
    services: list[str]
    draft_version: int  # the draft version whose facts were sent
    created_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str | None  # why it was declined


class CoApplicantStatus(msgspec.Struct, kw_only=True):
    """Whether the draft needs the other parent's confirmation, and where it stands."""

    required: bool
    services: list[str]  # the services the other parent co-signs
    request: CoApplicantRequestView | None  # the latest request, if any
    # True while the draft's facts are still those the request carries (a change after the
    # confirmation means asking again).
    current: bool


class CoApplicantInvite(msgspec.Struct, kw_only=True):
    """A request as the other parent sees it; `facts` only in the single view."""

    id: uuid.UUID
    bundle: str
    status: Literal["pending", "confirmed", "declined", "superseded"]
    applicant_phone: str  # masked
    services: list[str]
    created_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str | None
    facts: Answers | None = None  # the facts of the co-signed services, nested by section
