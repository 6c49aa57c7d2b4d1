"""RFC 9457 problem details: stable types, titles in the caller's language, field-level errors."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import asyncpg
import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from onething.core.i18n import Language, negotiate_language, pick

if TYPE_CHECKING:
    from litestar.types import ExceptionHandlersMap

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
PROBLEM_BASE: Final = "/problems/"

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One stable kind of problem; `slug` never changes once published."""

    slug: str
    status: int
    title_zh: str
    title_en: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


MALFORMED_REQUEST = ProblemType(
    "malformed-request", 400, "请求格式有误", "The request is malformed"
)
VALIDATION = ProblemType("validation-error", 422, "填写的信息有误", "Some fields are not valid")
UNAUTHORIZED = ProblemType("unauthorized", 401, "请先登录", "Authentication is required")
FORBIDDEN = ProblemType("forbidden", 403, "无权进行此操作", "You are not allowed to do this")
NOT_FOUND = ProblemType("not-found", 404, "未找到该资源", "The resource was not found")
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed", 405, "不支持该请求方法", "The method is not allowed here"
)
CONFLICT = ProblemType(
    "conflict", 409, "请求与当前状态冲突", "The request conflicts with the state"
)
PRECONDITION_FAILED = ProblemType(
    "precondition-failed",
    412,
    "内容已被更新，请刷新后重试",
    "The resource changed; reload and retry",
)
PAYLOAD_TOO_LARGE = ProblemType(
    "payload-too-large", 413, "请求内容过大", "The request is too large"
)
UNSUPPORTED_MEDIA_TYPE = ProblemType(
    "unsupported-media-type", 415, "不支持的内容类型", "The content type is not supported"
)
TOO_MANY_REQUESTS = ProblemType("too-many-requests", 429, "请求过于频繁", "Too many requests")
INVALID_TOKEN = ProblemType(
    "invalid-token", 401, "登录已失效，请重新登录", "The access token is not valid here"
)
INSUFFICIENT_SCOPE = ProblemType(
    "insufficient-scope", 403, "授权范围不足", "The access token lacks a required scope"
)
INTERNAL = ProblemType(
    "internal-error", 500, "系统繁忙，请稍后再试", "Something went wrong on our side"
)
UNAVAILABLE = ProblemType(
    "service-unavailable", 503, "服务暂不可用", "The service is temporarily unavailable"
)

_BY_STATUS: Final = {
    p.status: p
    for p in (
        MALFORMED_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
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


class FieldProblem(msgspec.Struct, frozen=True, kw_only=True):
    """One invalid field: `field` is a data-element id or a JSON path into the request."""

    field: str
    code: str
    message: str
    message_zh: str
    message_en: str


class ProblemDetails(msgspec.Struct, kw_only=True, omit_defaults=True):
    """RFC 9457 body, with our `request_id` and `errors` extension members."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldProblem] | None = None


class FieldError(msgspec.Struct, frozen=True, kw_only=True):
    """A field-level error before localisation (what domain code raises)."""

    field: str
    code: str
    message_zh: str
    message_en: str


class ProblemError(Exception):
    """Raised by services and controllers; rendered as problem details."""

    def __init__(
        self,
        problem: ProblemType,
        *,
        detail_zh: str | None = None,
        detail_en: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail_en or problem.title_en)
        self.problem = problem
        self.detail_zh = detail_zh
        self.detail_en = detail_en
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(
    request: Request[Any, Any, Any],
    problem: ProblemType,
    *,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ProblemDetails]:
    language = negotiate_language(request.headers.get("accept-language"))
    body = ProblemDetails(
        type=problem.uri,
        title=pick(language, problem.title_zh, problem.title_en),
        status=problem.status,
        detail=detail,
        instance=request.url.path,
        request_id=request.scope.get("state", {}).get("request_id"),
        errors=[_localise(e, language) for e in errors] if errors else None,
    )
    return Response(
        body,
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Cache-Control": "no-store", "Content-Language": language, **(headers or {})},
    )


def _localise(error: FieldError, language: Language) -> FieldProblem:
    return FieldProblem(
        field=error.field,
        code=error.code,
        message=pick(language, error.message_zh, error.message_en),
        message_zh=error.message_zh,
        message_en=error.message_en,
    )


_EXPECTED = re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`")
_MISSING = re.compile(r"Object missing required field `(?P<name>[^`]+)`")
_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`")


def _field_error_from_decode(message: str, key: str | None) -> FieldError:
    """Turn msgspec's English decode message into a bilingual field error."""
    path_match = _PATH.search(message)
    path = path_match.group("path").lstrip(".") if path_match else ""
    english = _PATH.sub("", message)
    if missing := _MISSING.search(message):
        name = missing.group("name")
        field = f"{path}.{name}" if path else name
        return FieldError(
            field=field,
            code="required",
            message_zh=f"缺少必填项：{name}",
            message_en=f"The field '{name}' is required",
        )
    if expected := _EXPECTED.search(message):
        return FieldError(
            field=path or key or "body",
            code="type",
            message_zh=f"类型不正确：应为 {expected.group('want')}，实际为 {expected.group('got')}",
            message_en=english,
        )
    return FieldError(
        field=path or key or "body",
        code="invalid",
        message_zh=f"内容无效：{english}",
        message_en=english or "Invalid value",
    )


def _handle_problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[ProblemDetails]:
    language = negotiate_language(request.headers.get("accept-language"))
    detail = exc.detail_zh if language == "zh-CN" else exc.detail_en
    return problem_response(
        request, exc.problem, detail=detail, errors=exc.errors, headers=exc.headers
    )


def _handle_validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[ProblemDetails]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        _field_error_from_decode(str(item.get("message", "")), item.get("key"))
        for item in extra
        if isinstance(item, dict)
    ]
    if not errors:
        # Body that is not JSON at all: a malformed request, not a field problem.
        return problem_response(request, MALFORMED_REQUEST, detail=exc.detail)
    return problem_response(request, VALIDATION, errors=errors)


def http_exception_response(
    request: Request[Any, Any, Any], exc: HTTPException
) -> Response[ProblemDetails]:
    problem = _BY_STATUS.get(exc.status_code)
    if problem is None:
        problem = ProblemType(f"http-{exc.status_code}", exc.status_code, exc.detail, exc.detail)
    detail = None if exc.detail == problem.title_en else exc.detail
    return problem_response(request, problem, detail=detail, headers=exc.headers or None)


def temporarily_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says a service we depend on cannot be reached now — the database
    refused, lost mid-request, shutting down or starting up, every pooled connection busy
    past the wait; a connection refused, reset or timed out — rather than a bug: the caller
    should retry later, not report it."""
    seen: BaseException | None = exc
    for _ in range(4):  # the exception and what it wraps (SQLAlchemy's adapter, asyncpg)
        if seen is None:
            return False
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(
            seen,
            asyncpg.PostgresConnectionError
            | asyncpg.exceptions.OperatorInterventionError  # shutting down, starting up
            | ConnectionError
            | socket.gaierror
            | TimeoutError
            | PoolTimeoutError,
        ):
            return True
        if isinstance(seen, asyncpg.InterfaceError) and "connection is closed" in str(seen):
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


def _handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[ProblemDetails]:
    if temporarily_unavailable(exc):
        log.warning("dependency_unavailable", path=request.url.path, error=repr(exc)[:300])
        return problem_response(request, UNAVAILABLE, headers={"Retry-After": "2"})
    log.exception("unhandled_error", path=request.url.path, error_type=type(exc).__name__)
    return problem_response(request, INTERNAL)


def exception_handlers() -> ExceptionHandlersMap:
    return {
        ProblemError: _handle_problem,
        ValidationException: _handle_validation,
        HTTPException: http_exception_response,
        HTTP_500_INTERNAL_SERVER_ERROR: _handle_unexpected,
        Exception: _handle_unexpected,
    }


__all__ = [
    "FieldError",
    "FieldProblem",
    "ProblemDetails",
    "ProblemError",
    "ProblemType",
    "exception_handlers",
    "http_exception_response",
    "problem_response",
]
