"""Every error is RFC 9457 problem details, titled in the caller's language, never a bare 500."""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar import Litestar, get, post
from litestar.params import JSONBody
from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.errors import VALIDATION, FieldError, ProblemError
from onething.core.settings import Settings


class Registration(msgspec.Struct):
    name: str
    age: int


@post("/api/v1/test-echo", sync_to_thread=False)
def echo(data: JSONBody[Registration]) -> Registration:
    return data


@get("/api/v1/test-boom", sync_to_thread=False)
def boom() -> None:
    msg = "an unexpected bug"
    raise RuntimeError(msg)


@get("/api/v1/test-domain-error", sync_to_thread=False)
def domain_error() -> None:
    raise ProblemError(
        VALIDATION,
        errors=[
            FieldError(
                field="mother.id_number",
                code="id_number.check_char",
                message_zh="身份证号码校验位错误",
                message_en="The ID number's check character is wrong",
            )
        ],
    )


@pytest.fixture(scope="module")
async def error_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = create_app(settings)
    for handler in (echo, boom, domain_error):
        app.register(handler)
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        yield client


async def test_unknown_path_is_a_problem_document_in_chinese_by_default(
    error_client: AsyncTestClient[Litestar],
) -> None:
    response = await error_client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/not-found"
    assert body["title"] == "未找到该资源"
    assert body["status"] == 404
    assert body["request_id"] == response.headers["x-request-id"]


async def test_problem_title_follows_accept_language(
    error_client: AsyncTestClient[Litestar],
) -> None:
    response = await error_client.get(
        "/api/v1/does-not-exist", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}
    )
    assert response.json()["title"] == "The resource was not found"
    assert response.headers["content-language"] == "en"


async def test_wrong_method_is_405_problem(error_client: AsyncTestClient[Litestar]) -> None:
    response = await error_client.delete("/api/v1/test-echo")
    assert response.status_code == 405
    assert response.json()["type"] == "/problems/method-not-allowed"


async def test_body_that_is_not_json_is_400_malformed_request(
    error_client: AsyncTestClient[Litestar],
) -> None:
    response = await error_client.post(
        "/api/v1/test-echo", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/malformed-request"


async def test_wrong_field_types_give_field_errors_in_both_languages(
    error_client: AsyncTestClient[Litestar],
) -> None:
    response = await error_client.post("/api/v1/test-echo", json={"name": "张三", "age": "ten"})
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert body["title"] == "填写的信息有误"
    [error] = body["errors"]
    assert error["field"] == "age"
    assert error["code"] == "type"
    assert error["message"] == error["message_zh"]
    assert "int" in error["message_en"]
    assert "类型不正确" in error["message_zh"]


async def test_missing_field_is_named_in_the_error(error_client: AsyncTestClient[Litestar]) -> None:
    response = await error_client.post(
        "/api/v1/test-echo", json={"name": "张三"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error == {
        "field": "age",
        "code": "required",
        "message": "The field 'age' is required",
        "message_zh": "缺少必填项：age",
        "message_en": "The field 'age' is required",
    }


async def test_domain_errors_keep_their_field_and_code(
    error_client: AsyncTestClient[Litestar],
) -> None:
    response = await error_client.get("/api/v1/test-domain-error")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "mother.id_number"
    assert error["code"] == "id_number.check_char"
    assert error["message"] == "身份证号码校验位错误"


async def test_unexpected_exception_is_a_500_problem_without_internals(
    error_client: AsyncTestClient[Litestar],
) -> None:
    response = await error_client.get("/api/v1/test-boom")
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "/problems/internal-error"
    assert "unexpected bug" not in response.text
    assert body["request_id"]
