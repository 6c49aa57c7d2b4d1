"""OpenAPI examples of the catalog API's bodies (newborn-birth, trimmed to a few services)."""

from __future__ import annotations

from typing import Any, Final

from onething.catalog import schemas as s
from onething.catalog.stats import BundleStats

# A catalog version is the SHA-256 of the catalog's content.
CATALOG_VERSION: Final = "5507849e0959f4de824658f23e0773f9355d616060342cc3ee92bcc103a65810"
SITUATION: Final = {"born_in_province": "yes", "parents_married": "yes", "father_listed": "yes"}
_DETAIL: Final[dict[str, Any]] = {
    "id": "newborn-birth",
    "name": {"zh-CN": "新生儿出生一件事", "en": "A baby is born"},
    "description": {
        "zh-CN": "一次申请，联办出生医学证明、预防接种证、落户、医保参保缴费、社保卡、生育待遇和生育登记，证照邮寄到家。",
        "en": "One application for the birth certificate, vaccination record, hukou, medical insurance, social security card, maternity benefits and family birth registration; everything is mailed home.",
    },
    "time_limit_days": 5,
    "catalog_version": CATALOG_VERSION,
    "services": [
        {
            "id": "birth-medical-certificate",
            "name": {
                "zh-CN": "出生医学证明首次签发",
                "en": "First issue of the birth medical certificate",
            },
            "department": {
                "id": "health-commission",
                "code": "11500105MB17015110",
                "name": {
                    "zh-CN": "重庆市江北区卫生健康委员会",
                    "en": "Jiangbei District Health Commission",
                },
            },
            "time_limit_days": 1,
            "mode": "manual",
            "optional": False,
            "after": [],
            "produces_license": "birth-medical-certificate",
            "mailed": True,
        },
        {
            "id": "vaccination-record",
            "name": {
                "zh-CN": "预防接种证办理及接种档案建立",
                "en": "Vaccination certificate and immunisation record",
            },
            "department": {
                "id": "cdc",
                "code": "12500105MB17322975",
                "name": {
                    "zh-CN": "重庆市江北区疾病预防控制中心",
                    "en": "Jiangbei District Center for Disease Control and Prevention",
                },
            },
            "time_limit_days": 5,
            "mode": "manual",
            "optional": False,
            "after": [],
            "produces_license": "vaccination-certificate",
            "mailed": False,
        },
        {
            "id": "hukou-birth-registration",
            "name": {"zh-CN": "出生登记（新生儿落户）", "en": "Birth registration in the hukou"},
            "department": {
                "id": "public-security",
                "code": "11500105MB1625600B",
                "name": {
                    "zh-CN": "重庆市公安局江北区分局",
                    "en": "Jiangbei Branch of the Chongqing Public Security Bureau",
                },
            },
            "time_limit_days": 1,
            "mode": "manual",
            "optional": False,
            "after": ["birth-medical-certificate"],
            "produces_license": "household-register",
            "mailed": True,
        },
    ],
    "situations": [
        {
            "id": "born_in_province",
            "question": {
                "zh-CN": "孩子是否在重庆市内的医疗机构出生？",
                "en": "Was the baby born in a hospital in Chongqing?",
            },
            "help": {
                "zh-CN": "在外省出生的，出生医学证明由出生地医疗机构签发，请在落户时使用该证明。",
                "en": "If not, the hospital where the baby was born issues the certificate; it is then used for the hukou.",
            },
            "default": "yes",
            "options": [
                {"value": "yes", "label": {"zh-CN": "是", "en": "Yes"}, "excludes_services": []},
                {
                    "value": "no",
                    "label": {"zh-CN": "否", "en": "No"},
                    "excludes_services": ["birth-medical-certificate"],
                },
            ],
        }
    ],
}
_SERVICE: Final[dict[str, Any]] = {
    "id": "birth-medical-certificate",
    "name": {"zh-CN": "出生医学证明首次签发", "en": "First issue of the birth medical certificate"},
    "description": {
        "zh-CN": "由接生的医疗机构签发，父母双方核对并签字确认首次签发登记信息。",
        "en": "Issued by the facility that delivered the baby; both parents check and confirm the record.",
    },
    "department": {
        "id": "health-commission",
        "code": "11500105MB17015110",
        "name": {
            "zh-CN": "重庆市江北区卫生健康委员会",
            "en": "Jiangbei District Health Commission",
        },
    },
    "legal_basis": [
        {
            "zh-CN": "《中华人民共和国母婴保健法》第二十三条",
            "en": "Maternal and Infant Health Care Law of the PRC, article 23",
        }
    ],
    "time_limit_days": 3,
    "mode": "manual",
    "co_applicant_confirms": True,
    "form": [
        {
            "element": "child.name",
            "label": {"zh-CN": "子女姓名", "en": "Child's name"},
            "required": True,
        },
        {
            "element": "child.sex",
            "label": {"zh-CN": "子女性别", "en": "Child's sex"},
            "required": True,
        },
        {
            "element": "child.birth_time",
            "label": {"zh-CN": "出生时间", "en": "Time of birth"},
            "required": True,
        },
    ],
    "materials": ["mother-id-card", "father-id-card"],
    "produces_elements": [],
    "produces_license": "birth-medical-certificate",
    "mailed": True,
    "catalog_version": CATALOG_VERSION,
}
_STATS: Final = {
    "services": 9,
    "departments": 6,
    "individual_fields": 128,
    "merged_fields": 49,
    "produced_fields": 1,
    "prefillable_fields": 28,
    "situations": 4,
    "ratio": 0.383,
}
_REGION: Final = {
    "code": "500105",
    "level": "county",
    "name": "江北区",
    "full_name": "重庆市江北区",
}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    s.BundleSummary: [
        {
            "id": "newborn-birth",
            "name": {"zh-CN": "新生儿出生一件事", "en": "A baby is born"},
            "description": {
                "zh-CN": "一次申请，联办出生医学证明、预防接种证、落户、医保参保缴费、社保卡、生育待遇和生育登记，证照邮寄到家。",
                "en": "One application for the birth certificate, vaccination record, hukou, medical insurance, social security card, maternity benefits and family birth registration; everything is mailed home.",
            },
            "time_limit_days": 5,
            "service_count": 9,
            "department_count": 6,
            "catalog_version": CATALOG_VERSION,
        }
    ],
    s.BundleDetail: [_DETAIL],
    s.ServiceDetail: [_SERVICE],
    s.FormRequest: [{"situation_answers": SITUATION, "optional_services": ["childcare-subsidy"]}],
    s.FormResponse: [
        {
            "bundle": "newborn-birth",
            "catalog_version": CATALOG_VERSION,
            "services": [
                "birth-medical-certificate",
                "vaccination-record",
                "hukou-birth-registration",
            ],
            "schema": {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {
                    "child": {
                        "type": "object",
                        "properties": {
                            "name": {
                                "type": "string",
                                "x-label": {"zh-CN": "子女姓名", "en": "Child's name"},
                                "x-services": [
                                    "birth-medical-certificate",
                                    "hukou-birth-registration",
                                ],
                            }
                        },
                        "required": ["name"],
                    }
                },
            },
            "effort": _STATS,
        }
    ],
    BundleStats: [_STATS],
    s.ValidateRequest: [
        {
            "situation_answers": SITUATION,
            "optional_services": [],
            "answers": {
                "child": {
                    "name": "李沐阳",
                    "sex": "male",
                    "birth_time": "2025-06-02T08:30:00+08:00",
                }
            },
        }
    ],
    s.ValidateResponse: [{"valid": True, "catalog_version": CATALOG_VERSION}],
    s.RegionItem: [_REGION],
    s.RegionDetail: [
        {
            "region": _REGION,
            "current": True,
            "children": [],
        }
    ],
}
