"""The delivery choice itself (pure): check what the resident sent, field by field, with
messages in zh-CN and en, and normalise it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from onething.catalog.codes import is_cjk_name, is_mainland_mobile, is_valid_region_code
from onething.core.errors import FieldError
from onething.delivery.halls import HALLS_BY_ID

if TYPE_CHECKING:
    from onething.delivery.schemas import DeliveryChoiceIn

ADDRESS_MIN: Final = 5
ADDRESS_MAX: Final = 100


class MailAddress(msgspec.Struct, frozen=True, kw_only=True):
    """The sealed part of a mail-home choice (personal data)."""

    recipient: str
    phone: str
    address: str


class CheckedChoice(msgspec.Struct, frozen=True, kw_only=True):
    method: str
    region_code: str | None = None
    address: MailAddress | None = None
    hall: str | None = None


def _error(prefix: str, name: str, code: str, zh: str, en: str) -> FieldError:
    return FieldError(field=f"{prefix}.{name}", code=code, message_zh=zh, message_en=en)


def check_choice(
    choice: DeliveryChoiceIn, *, prefix: str = "delivery"
) -> tuple[CheckedChoice | None, list[FieldError]]:
    """The normalised choice, or every field error found (all at once, not the first)."""
    if choice.method == "collect":
        hall = (choice.hall or "").strip()
        if hall not in HALLS_BY_ID:
            code = "required" if not hall else "hall.unknown"
            return None, [
                _error(
                    prefix,
                    "hall",
                    code,
                    "请选择领取证件的政务服务大厅",
                    "Choose the service hall where you will collect the documents",
                )
            ]
        return CheckedChoice(method="collect", hall=hall), []
    if choice.method != "mail":
        return None, [
            _error(
                prefix,
                "method",
                "method.unknown",
                "请选择“邮寄到家”（mail）或“大厅领取”（collect）",
                "Choose mail (mail home) or collect (at a service hall)",
            )
        ]
    return _check_mail(choice, prefix)


def _check_mail(
    choice: DeliveryChoiceIn, prefix: str
) -> tuple[CheckedChoice | None, list[FieldError]]:
    errors: list[FieldError] = []
    recipient = (choice.recipient or "").strip()
    phone = (choice.phone or "").replace(" ", "").replace("-", "")
    region = (choice.region or "").strip()
    address = " ".join((choice.address or "").split())
    if not recipient:
        errors.append(
            _error(
                prefix, "recipient", "required", "请填写收件人姓名", "Enter the recipient's name"
            )
        )
    elif not is_cjk_name(recipient):
        errors.append(
            _error(
                prefix,
                "recipient",
                "name.format",
                "收件人姓名应为 2–30 个汉字（少数民族姓名可用“·”分隔）",
                "The recipient's name must be 2 to 30 Chinese characters (parts joined by ·)",
            )
        )
    if not phone:
        errors.append(
            _error(
                prefix,
                "phone",
                "required",
                "请填写收件人手机号码",
                "Enter the recipient's mobile number",
            )
        )
    elif not is_mainland_mobile(phone):
        errors.append(
            _error(
                prefix,
                "phone",
                "phone.format",
                "手机号码应为 11 位数字，以 1 开头",
                "A mobile number has 11 digits and starts with 1",
            )
        )
    if not region:
        errors.append(
            _error(
                prefix,
                "region",
                "required",
                "请选择收件地址所在区县",
                "Choose the county or district of the address",
            )
        )
    elif not is_valid_region_code(region, "county"):
        errors.append(
            _error(
                prefix,
                "region",
                "region.county",
                "请选择现行有效的区县级行政区划（6 位代码）",
                "Choose a county or district in force today (a 6-digit GB/T 2260 code)",
            )
        )
    if not address:
        errors.append(
            _error(prefix, "address", "required", "请填写详细地址", "Enter the street address")
        )
    elif not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
        errors.append(
            _error(
                prefix,
                "address",
                "length",
                f"详细地址应为 {ADDRESS_MIN}–{ADDRESS_MAX} 个字",
                f"The street address must be {ADDRESS_MIN} to {ADDRESS_MAX} characters",
            )
        )
    if errors:
        return None, errors
    return (
        CheckedChoice(
            method="mail",
            region_code=region,
            address=MailAddress(recipient=recipient, phone=phone, address=address),
        ),
        [],
    )
