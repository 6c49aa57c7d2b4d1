"""Service halls (政务服务大厅) where a resident may collect paper outputs instead of mailing.

Reference data kept with the code that reads it; a deployment replaces this list with its own
halls (the ids are what applications store).
"""

from __future__ import annotations

from typing import Final

import msgspec


class ServiceHall(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name_zh: str
    name_en: str
    region_code: str  # GB/T 2260 county code
    address_zh: str
    hours_zh: str


SERVICE_HALLS: Final[tuple[ServiceHall, ...]] = (
    ServiceHall(
        id="cq-yubei",
        name_zh="重庆市渝北区政务服务中心",
        name_en="Yubei District Government Service Centre, Chongqing",
        region_code="500112",
        address_zh="重庆市渝北区双龙湖街道渝北区政务服务中心一楼综合窗口",
        hours_zh="工作日 9:00–17:00",
    ),
    ServiceHall(
        id="cq-yuzhong",
        name_zh="重庆市渝中区政务服务中心",
        name_en="Yuzhong District Government Service Centre, Chongqing",
        region_code="500103",
        address_zh="重庆市渝中区政务服务中心二楼出证窗口",
        hours_zh="工作日 9:00–17:00，周六 9:00–12:00",
    ),
    ServiceHall(
        id="fz-gulou",
        name_zh="福州市鼓楼区行政服务中心",
        name_en="Gulou District Administrative Service Centre, Fuzhou",
        region_code="350102",
        address_zh="福建省福州市鼓楼区行政服务中心一楼证照领取窗口",
        hours_zh="工作日 8:30–17:30",
    ),
)

HALLS_BY_ID: Final = {hall.id: hall for hall in SERVICE_HALLS}
