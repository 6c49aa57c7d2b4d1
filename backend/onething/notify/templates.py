"""Message templates in zh-CN and en (pure). A push shows only the short title: no personal
data leaves for the push service beyond it; SMS and the in-app list carry title and body."""

from __future__ import annotations

from typing import Final

import msgspec


class Template(msgspec.Struct, frozen=True, kw_only=True):
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str


TEMPLATES: Final[dict[str, Template]] = {
    "parcel.ordered": Template(
        title_zh="证件已交寄",
        title_en="Your documents are being mailed",
        body_zh="第 {parcel} 件邮件已交给快递，运单号 {tracking_number}。",
        body_en="Parcel {parcel} is with the courier, tracking number {tracking_number}.",
    ),
    "parcel.out_for_delivery": Template(
        title_zh="证件派送中",
        title_en="Your documents are out for delivery",
        body_zh="第 {parcel} 件邮件正在派送，请保持电话畅通。",
        body_en="Parcel {parcel} is out for delivery today; keep your phone at hand.",
    ),
    "parcel.delivered": Template(
        title_zh="证件已签收",
        title_en="Your documents were delivered",
        body_zh="第 {parcel} 件邮件已签收，相关事项已办结。",
        body_en="Parcel {parcel} was delivered; the services in it are done.",
    ),
    "parcel.returned": Template(
        title_zh="邮件被退回，请核对地址",
        title_en="A parcel came back: check your address",
        body_zh="第 {parcel} 件邮件未能投递并已退回，请在办件详情中修改收件地址，我们将重新寄出。",
        body_en="Parcel {parcel} could not be delivered and came back. Correct the address in "
        "the application and we will send it again.",
    ),
    # Hall pick-up: the pickup code is shown in the application only (messages are kept in
    # clear; the code is sealed), so the text says where to find it.
    "parcel.at_hall": Template(
        title_zh="证件可到大厅领取",
        title_en="Your documents are ready to collect",
        body_zh="第 {parcel} 件证件已送达{hall_zh}，请携带申请人身份证，凭办件详情中的取件码领取。",
        body_en="Parcel {parcel} is at {hall_en}. Bring the applicant's ID card and the pickup "
        "code shown in the application.",
    ),
    "parcel.collected": Template(
        title_zh="证件已领取",
        title_en="Your documents were collected",
        body_zh="第 {parcel} 件证件已在{hall_zh}领取，相关事项已办结。",
        body_en="Parcel {parcel} was collected at {hall_en}; the services in it are done.",
    ),
}

# What departments decide about a resident's application. Parameters are the service's (or
# license type's) catalog names: no personal data.
TEMPLATES.update(
    {
        "task.correction_requested": Template(
            title_zh="办件需要补正",
            title_en="Your application needs a correction",
            body_zh="“{service_zh}”需要您补正材料或信息，请在办件详情中查看并修改后重新提交。",
            body_en="{service_en} needs a correction: see what to fix in the application and "
            "submit it again.",
        ),
        "task.refused": Template(
            title_zh="办件未予受理",
            title_en="Part of your application was refused",
            body_zh="“{service_zh}”未予受理，原因请在办件详情中查看。",
            body_en="{service_en} was refused; the reason is in the application.",
        ),
        "task.approved": Template(
            title_zh="办件已办结",
            title_en="Part of your application is done",
            body_zh="“{service_zh}”已办结。",
            body_en="{service_en} is done.",
        ),
        "task.issued": Template(
            title_zh="电子证照已签发",
            title_en="An e-license was issued",
            body_zh="“{license_zh}”已签发，已放入您的卡包。",
            body_en="Your {license_en} was issued and is in your wallet.",
        ),
    }
)

LANGUAGES: Final = ("zh-CN", "en")


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    body: str


def render(template: str, params: dict[str, object], language: str) -> Rendered:
    """The message in `language` (zh-CN unless en)."""
    found = TEMPLATES[template]
    values = {k: str(v) for k, v in params.items()}
    if language == "en":
        return Rendered(title=found.title_en, body=found.body_en.format_map(values))
    return Rendered(title=found.title_zh, body=found.body_zh.format_map(values))
