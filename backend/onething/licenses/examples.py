"""OpenAPI examples of the e-license bodies (a birth medical certificate; made-up holder)."""

from __future__ import annotations

from typing import Any, Final

from onething.applications.schemas import PrefilledValue
from onething.core.openapi_examples import OperationExample
from onething.licenses import schemas as s
from onething.licenses.prefill import Prefill

IDENTIFIER: Final = "1.2.156.3005.2.111000000000136305001.11500105MB17015110.2025000153.001.R"
LICENSE_ID: Final = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
_ISSUER: Final = {
    "department": "health-commission",
    "code": "11500105MB17015110",
    "name": {"zh": "重庆市江北区卫生健康委员会", "en": "Jiangbei District Health Commission"},
}
_NAME: Final = {"zh": "出生医学证明", "en": "Birth medical certificate"}
_VALID: Final = {"zh": "有效", "en": "Valid"}
_ITEM: Final = {
    "id": LICENSE_ID,
    "identifier": IDENTIFIER,
    "license_type": "birth-medical-certificate",
    "name": _NAME,
    "number": "Q500105250153",
    "holder_name": "李沐阳",
    "relation": "guardian",
    "issuer": _ISSUER,
    "issued_on": "2025-06-19",
    "valid_until": None,
    "status": "valid",
    "status_label": _VALID,
}
_FACE: Final = [
    {"field": "child.name", "label": "新生儿姓名", "value": "李沐阳"},
    {"field": "child.birth_time", "label": "出生时间", "value": "2025-06-02 08:30"},
]
_GRANT: Final = {
    "id": "f0e1d2c3-b4a5-4968-8776-655443322110",
    "license_id": LICENSE_ID,
    "purpose": "newborn-birth",
    "grantee_user_id": "0b6f3c1e-7d2a-4f5b-9c8e-1a2b3c4d5e6f",
    "grantee_client_id": None,
    "grantee_name": "王*",
    "valid_from": "2025-06-19T02:00:00Z",
    "valid_until": "2025-07-19T02:00:00Z",
    "revoked_at": None,
    "active": True,
}
_STATUS_LIST: Final = (
    "https://onething.example.gov.cn/api/v1/licenses/status-lists/health-commission/revocation"
)

_MARRIAGE: Final = {
    "id": "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70",
    "identifier": "1.2.156.3005.2.11100000000013338W003.11500105MB16477893.2021004321.001.K",
    "license_type": "marriage-certificate",
    "name": {"zh": "结婚证", "en": "Marriage certificate"},
    "holder_name": "王芳",
    "relation": "holder",
    "status": "valid",
    "status_label": _VALID,
}
_DRAFT_MATERIAL: Final = {
    "material": "marriage-certificate",
    "name": {"zh": "结婚证", "en": "Marriage certificate"},
    "required": True,
    "replaced_by": ["marriage-certificate"],
    "license": _MARRIAGE,
    "license_usable": True,
    "choices": [_MARRIAGE],
}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    s.StandIn: [_MARRIAGE],
    s.DraftMaterial: [_DRAFT_MATERIAL],
    s.DraftLicenseLink: [{"license_id": _MARRIAGE["id"]}],
    s.LocalText: [_NAME],
    s.Issuer: [_ISSUER],
    s.WalletItem: [_ITEM],
    s.FaceField: _FACE[:1],
    s.LicenseDetail: [
        {
            "item": _ITEM,
            "face": _FACE,
            "qr_token": "eyJhbGciOiJFZERTQSJ9.eyJpZCI6IjEuMi4xNTYifQ.c2ln",
            "verify_url": "https://onething.example.gov.cn/verify/eyJhbGciOiJFZERTQSJ9.eyJpZCI6IjEuMi4xNTYifQ.c2ln",
            "sha256": "3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855a",
            "signature": "eyJhbGciOiJFZERTQSIsImtpZCI6IjExNTAwMTA1TUIxNzAxNTExMDp4In0..c2ln",
            "metadata": {"identifier": IDENTIFIER, "name": "出生医学证明", "status": "有效"},
        }
    ],
    s.VerificationResult: [
        {
            "valid": True,
            "signature_valid": True,
            "status": "valid",
            "status_label": _VALID,
            "identifier": IDENTIFIER,
            "license_type": "birth-medical-certificate",
            "name": _NAME,
            "issuer": _ISSUER,
            "issued_on": "2025-06-19",
            "valid_from": "2025-06-19",
            "valid_until": None,
            "holder": "李**",
            "checked_at": "2025-06-20T03:00:00Z",
        }
    ],
    s.StatusChange: [{"status": "suspended", "reason": "登记信息待核实"}],
    s.StatusView: [
        {
            "identifier": IDENTIFIER,
            "status": "suspended",
            "status_label": {"zh": "暂扣", "en": "Suspended"},
            "changed_at": "2025-06-21T01:00:00Z",
            "reason": "登记信息待核实",
            "status_list": _STATUS_LIST.replace("revocation", "suspension"),
            "status_index": 1187,
        }
    ],
    s.CopyRequest: [{"reason": "办理入托手续", "valid_days": 30}],
    s.AnnotatedCopy: [
        {
            "url": "https://s3.example.gov.cn/onething-licenses/copies/2025/06/a1b2.pdf?X-Amz-Signature=…",
            "url_expires_at": "2025-06-20T03:05:00Z",
            "reason": "办理入托手续",
            "copy_expires_on": "2025-07-20",
            "sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        }
    ],
    s.GrantCreate: [
        {
            "purpose": "newborn-birth",
            "valid_until": "2025-07-19T02:00:00Z",
            "grantee_id_number": "500105199304121247",
        }
    ],
    s.GrantView: [_GRANT],
    s.LicenseUseCreate: [
        {"application_id": "2b7e151c-28ae-4d2a-a6f7-15880945cf4f", "material": "father-id-card"}
    ],
    s.LicenseUseView: [
        {
            "id": "a0b1c2d3-e4f5-4a6b-8c7d-8e9f0a1b2c3d",
            "license_id": LICENSE_ID,
            "identifier": IDENTIFIER,
            "application_id": "2b7e151c-28ae-4d2a-a6f7-15880945cf4f",
            "material": "father-id-card",
            "at": "2025-06-18T09:10:00Z",
        }
    ],
    s.TaskLicense: [
        {
            "id": LICENSE_ID,
            "identifier": IDENTIFIER,
            "license_type": "birth-medical-certificate",
            "name": "出生医学证明",
            "material": None,
            "from_service": "birth-medical-certificate",
            "issuer": _ISSUER,
            "status": "valid",
            "status_label": _VALID,
            "signature_valid": True,
            "face": _FACE,
        }
    ],
    PrefilledValue: [
        {
            "value": "王芳",
            "source": "license",
            "license_id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
            "license_type": "resident-id-card",
            "field": "name",
        }
    ],
    Prefill: [
        {
            "bundle": "newborn-birth",
            "values": {
                "mother.name": {
                    "value": "王芳",
                    "source": "license",
                    "license_id": "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
                    "license_type": "resident-id-card",
                    "field": "name",
                }
            },
        }
    ],
}

OPERATIONS: Final[dict[str, OperationExample]] = {
    "getLicenseKeys": OperationExample(
        200,
        {
            "keys": [
                {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                    "kid": "11500105MB17015110:NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
                    "iss": "11500105MB17015110",
                    "alg": "EdDSA",
                    "use": "sig",
                }
            ]
        },
    ),
    "getLicenseStatusList": OperationExample(
        200,
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": _STATUS_LIST,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "credentialSubject": {
                "id": f"{_STATUS_LIST}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
            },
            "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"},
        },
    ),
    "exportLicenseCredential": OperationExample(
        200,
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "validFrom": "2025-06-19T00:00:00Z",
            "credentialSubject": {"identifier": IDENTIFIER, "name": "出生医学证明"},
            "credentialStatus": {
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "1187",
                "statusListCredential": _STATUS_LIST,
            },
            "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"},
        },
        "application/vc+ld+json",
    ),
}
