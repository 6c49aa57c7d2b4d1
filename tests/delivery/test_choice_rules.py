"""The delivery choice's field rules (pure, no database)."""

from __future__ import annotations

from delivery_helpers import MAIL_HOME

from onething.catalog.codes import is_valid_region_code
from onething.delivery.choices import check_choice
from onething.delivery.halls import SERVICE_HALLS
from onething.delivery.schemas import DeliveryChoiceIn


def _check(**fields: str) -> tuple[object, dict[str, str]]:
    checked, errors = check_choice(DeliveryChoiceIn(**fields))
    return checked, {e.field: e.code for e in errors}


def test_a_complete_mail_choice_is_normalised() -> None:
    checked, errors = _check(
        **{**MAIL_HOME, "phone": "138 1234-5678", "address": "  双龙湖街道  金港大道 88 号 "}
    )
    assert errors == {}
    assert checked is not None
    assert checked.address.phone == "13812345678"  # type: ignore[attr-defined]
    assert checked.address.address == "双龙湖街道 金港大道 88 号"  # type: ignore[attr-defined]
    assert checked.region_code == "500112"  # type: ignore[attr-defined]


def test_every_missing_mail_field_is_reported_at_once() -> None:
    checked, errors = _check(method="mail")
    assert checked is None
    assert errors == {
        "delivery.recipient": "required",
        "delivery.phone": "required",
        "delivery.region": "required",
        "delivery.address": "required",
    }


def test_a_region_must_be_a_county_in_force() -> None:
    for region in ("500000", "500100", "123456", "50011", "abcdef"):
        assert _check(**{**MAIL_HOME, "region": region})[1] == {"delivery.region": "region.county"}


def test_bad_name_phone_and_address_are_named() -> None:
    _, errors = _check(**{**MAIL_HOME, "recipient": "Li Lihua", "phone": "1234", "address": "短"})
    assert errors == {
        "delivery.recipient": "name.format",
        "delivery.phone": "phone.format",
        "delivery.address": "length",
    }


def test_collecting_needs_a_known_hall() -> None:
    assert _check(method="collect")[1] == {"delivery.hall": "required"}
    assert _check(method="collect", hall="nowhere")[1] == {"delivery.hall": "hall.unknown"}
    checked, errors = _check(method="collect", hall="cq-yubei")
    assert errors == {}
    assert checked is not None


def test_an_unknown_method_is_refused() -> None:
    assert _check(method="drone")[1] == {"delivery.method": "method.unknown"}


def test_every_service_hall_sits_in_a_county_in_force() -> None:
    assert SERVICE_HALLS
    for hall in SERVICE_HALLS:
        assert is_valid_region_code(hall.region_code, "county"), hall.id
