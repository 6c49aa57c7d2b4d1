"""GB/T 2260 region names over HTTP, for address pickers and for showing codes as names."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_provinces_are_listed(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/regions")
    assert response.status_code == 200
    provinces = {r["code"]: r["name"] for r in response.json()}
    assert provinces["500000"] == "重庆市"
    assert provinces["440000"] == "广东省"
    assert all(code.endswith("0000") for code in provinces)


async def test_a_city_lists_its_counties(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/v1/regions/500100")
    assert response.status_code == 200
    body = response.json()
    assert body["region"]["level"] == "city"
    children = {c["code"]: c["name"] for c in body["children"]}
    assert children["500105"] == "江北区"
    assert all(c["level"] == "county" for c in body["children"])


async def test_a_county_has_a_full_name_and_no_children(client: AsyncTestClient[Litestar]) -> None:
    body = (await client.get("/api/v1/regions/500105")).json()
    assert body["region"]["full_name"] == "重庆市江北区"
    assert body["current"] is True
    assert body["children"] == []


async def test_unknown_and_malformed_codes_are_refused(client: AsyncTestClient[Litestar]) -> None:
    unknown = await client.get("/api/v1/regions/999999")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    malformed = await client.get("/api/v1/regions/50A105")
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["code"] == "region.format"
