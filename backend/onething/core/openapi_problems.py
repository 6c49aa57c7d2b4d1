"""The problem+json answers operations document: one helper for declaring them, one pass that
gives every operation the answers all operations of its kind can give, each with an example."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.routes import HTTPRoute

from onething.core.errors import (
    CONFLICT,
    FORBIDDEN,
    INSUFFICIENT_SCOPE,
    INTERNAL,
    INVALID_TOKEN,
    MALFORMED_REQUEST,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    PRECONDITION_FAILED,
    PROBLEM_MEDIA_TYPE,
    TOO_MANY_REQUESTS,
    UNAVAILABLE,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION,
    ProblemDetails,
    ProblemType,
)

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.handlers import HTTPRouteHandler

# The problem type an example of each status shows (401 and 403 have two kinds each; the
# example shows the kind every protected operation can answer).
_EXAMPLE_TYPE: Final[dict[int, ProblemType]] = {
    p.status: p
    for p in (
        MALFORMED_REQUEST,
        INVALID_TOKEN,
        FORBIDDEN,
        NOT_FOUND,
        CONFLICT,
        PRECONDITION_FAILED,
        PAYLOAD_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        VALIDATION,
        TOO_MANY_REQUESTS,
        INTERNAL,
        UNAVAILABLE,
    )
}
_SCOPE_WORDS: Final = re.compile(r"\bscope\b", re.IGNORECASE)
_PATH_PARAMETER: Final = re.compile(r"\{([a-z_]+)(?::[a-z]+)?\}")
# Keyword arguments Litestar fills itself: never parsed from the request, never a 400.
_RESERVED: Final = frozenset(
    {"request", "state", "scope", "socket", "headers", "cookies", "query", "body"}
)


def problem_spec(description: str, *, problem: ProblemType | None = None) -> ResponseSpec:
    """An error answer of an operation, as `responses={404: problem_spec("No such draft")}`:
    RFC 9457 problem details. `document_problems` adds an example of the status's usual
    problem type, or of `problem` when the answer is one of a domain's own types."""
    examples = (
        [Example(summary=description, value=problem_example(problem.status, problem=problem))]
        if problem
        else None
    )
    return ResponseSpec(
        data_container=ProblemDetails,
        description=description,
        generate_examples=False,
        media_type=PROBLEM_MEDIA_TYPE,
        examples=examples,
    )


class OAuthError(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An OAuth 2.0 error answer (RFC 6749 §5.2). The provider's endpoints answer in this form,
    not as problem details, because OAuth client libraries expect it."""

    error: str
    error_description: str | None = None


def oauth_error_spec(description: str, *errors: str) -> ResponseSpec:
    """An error answer of an OAuth endpoint (`/oauth2/...`), one example per `error` code."""
    return ResponseSpec(
        data_container=OAuthError,
        description=description,
        generate_examples=False,
        examples=[Example(summary=error, value={"error": error}) for error in errors],
    )


def problem_example(
    status: int,
    *,
    detail: str | None = None,
    instance: str = "/api/v1/…",
    problem: ProblemType | None = None,
) -> dict[str, Any]:
    """What a caller really gets for `status` (titles in zh-CN, the default language)."""
    problem = problem or _EXAMPLE_TYPE.get(status)
    if problem is None:
        problem = ProblemType(f"http-{status}", status, "错误", "Error")
    if status == 403 and detail and _SCOPE_WORDS.search(detail):
        problem = INSUFFICIENT_SCOPE
    example: dict[str, Any] = {
        "type": problem.uri,
        "title": problem.title_zh,
        "status": status,
        "instance": instance,
        "request_id": "0f9d1c1e6b2a4e0c9b1d2f3a4b5c6d7e",
    }
    if detail:
        example["detail"] = detail
    if problem is VALIDATION:
        example["errors"] = [
            {
                "field": "child.birth_date",
                "code": "date.future",
                "message": "出生日期不能晚于今天",
                "message_zh": "出生日期不能晚于今天",
                "message_en": "The birth date cannot be in the future",
            }
        ]
    return example


def _example_instance(path: str) -> str:
    return _PATH_PARAMETER.sub(lambda m: f"<{m.group(1)}>", path)


def _reads_request_input(handler: HTTPRouteHandler, path: str) -> bool:
    """Whether Litestar parses something of the request for this handler (body, path, query
    or header parameters): then a value it cannot parse is a 400 or 422 problem."""
    if _PATH_PARAMETER.search(path):
        return True
    dependencies = set(handler.resolve_dependencies())
    names = set(handler.parsed_fn_signature.parameters) - dependencies - _RESERVED
    return bool(names)


def _complete(spec: ResponseSpec, status: int, instance: str) -> ResponseSpec:
    if spec.data_container is not ProblemDetails:
        return spec
    example = problem_example(status, detail=spec.description, instance=instance)
    return replace(
        spec,
        media_type=PROBLEM_MEDIA_TYPE,
        generate_examples=False,
        examples=spec.examples or [Example(summary=spec.description, value=example)],
    )


def document_problems(app: Litestar) -> None:
    """Every problem answer an operation declares becomes problem+json with an example; an
    operation that parses request input also documents 400 (unparseable: not JSON, a
    parameter of the wrong type) and 422 (field-level errors), replacing Litestar's generic
    400 schema, which is not what our error handlers answer."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            responses = dict(handler.responses or {})
            if _reads_request_input(handler, route.path):
                responses.setdefault(
                    400, problem_spec("The body is not JSON, or a parameter cannot be parsed")
                )
                responses.setdefault(422, problem_spec("Invalid fields, each named (zh-CN, en)"))
            # Any operation can fail unexpectedly; the answer is still a problem document.
            responses.setdefault(
                500, problem_spec("Unexpected failure, logged under the request id")
            )
            responses.setdefault(
                503,
                problem_spec(
                    "The database or another service it needs cannot be reached right now; "
                    "retry after Retry-After seconds"
                ),
            )
            instance = _example_instance(route.path)
            handler.responses = {
                status: _complete(spec, status, instance) for status, spec in responses.items()
            }
