"""The W3C Verifiable Credential 2.0 export (acceptance): the document satisfies the VC 2.0
data model's normative rules (context, types, issuer, validFrom, credentialSubject, status,
proof), its eddsa-jcs-2022 proof verifies and breaks on any change, and its status entry points
into the issuer's live status list."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import jsonschema
from application_helpers import People, Tokens
from license_helpers import Client, newborn_with_licenses

from onething.licenses.signing import verify_data_integrity_proof
from onething.licenses.statuslist import bit_is_set

URL = {"type": "string", "pattern": "^[a-zA-Z][a-zA-Z0-9+.-]*:[^\\s]+$"}
DATE_TIME_STAMP = {
    "type": "string",
    "pattern": r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
# The VC 2.0 data model's MUSTs (https://www.w3.org/TR/vc-data-model-2.0/), as JSON Schema.
VC_2_0 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["@context", "type", "issuer", "credentialSubject"],
    "properties": {
        "@context": {
            "type": "array",
            "minItems": 1,
            "prefixItems": [{"const": "https://www.w3.org/ns/credentials/v2"}],
        },
        "id": URL,
        "type": {"type": "array", "contains": {"const": "VerifiableCredential"}},
        "issuer": {
            "oneOf": [URL, {"type": "object", "required": ["id"], "properties": {"id": URL}}]
        },
        "validFrom": DATE_TIME_STAMP,
        "validUntil": DATE_TIME_STAMP,
        "credentialSubject": {"type": "object", "minProperties": 1},
        "credentialStatus": {
            "type": "object",
            "required": ["type", "statusPurpose", "statusListIndex", "statusListCredential"],
            "properties": {
                "type": {"const": "BitstringStatusListEntry"},
                "statusListIndex": {"type": "string", "pattern": "^[0-9]+$"},
                "statusListCredential": URL,
            },
        },
        "proof": {
            "type": "object",
            "required": ["type", "cryptosuite", "proofPurpose", "verificationMethod", "proofValue"],
            "properties": {
                "type": {"const": "DataIntegrityProof"},
                "cryptosuite": {"const": "eddsa-jcs-2022"},
                "proofPurpose": {"const": "assertionMethod"},
                "verificationMethod": URL,
                "created": DATE_TIME_STAMP,
                "proofValue": {"type": "string", "pattern": "^z[1-9A-HJ-NP-Za-km-z]+$"},
            },
        },
    },
}


async def test_the_vc_export_follows_the_vc_2_0_data_model_and_verifies(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    item = next(
        i
        for i in (await api.get("/api/v1/wallet/licenses", headers=newborn.mother)).json()
        if i["license_type"] == "household-register"
    )
    answer = await api.get(
        f"/api/v1/wallet/licenses/{item['id']}/credential", headers=newborn.mother
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vc+ld+json")
    vc = answer.json()

    jsonschema.Draft202012Validator.check_schema(VC_2_0)
    assert list(jsonschema.Draft202012Validator(VC_2_0).iter_errors(vc)) == []
    assert "ElectronicLicenseCredential" in vc["type"]
    assert dt.datetime.fromisoformat(vc["validFrom"]) <= dt.datetime.now(dt.UTC)
    subject = vc["credentialSubject"]
    assert subject["license"]["identifier"] == item["identifier"]
    assert subject["name"] == newborn.child_name
    # The proof's key is the issuer's: the verification method belongs to the issuer DID.
    assert vc["proof"]["verificationMethod"].startswith(vc["issuer"]["id"] + "#")
    assert verify_data_integrity_proof(vc)
    for path in (("credentialSubject", "name"), ("issuer", "name"), ("validFrom",)):
        tampered = copy.deepcopy(vc)
        target = tampered
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = "2020-01-01T00:00:00Z" if path == ("validFrom",) else "某人"
        assert not verify_data_integrity_proof(tampered), path

    # The status entry points at the issuer's list: clear now, set once revoked.
    entry = vc["credentialStatus"]
    list_path = entry["statusListCredential"].split("/api/v1", 1)[1]
    index = int(entry["statusListIndex"])
    listed = (await api.get(f"/api/v1{list_path}")).json()
    assert listed["issuer"]["id"] == vc["issuer"]["id"]
    assert not bit_is_set(listed["credentialSubject"]["encodedList"], index)
    police = await tokens.issue(str(people.clerks["public-security"].id))
    await api.post(
        f"/api/v1/department/licenses/{item['identifier']}/status",
        json={"status": "annulled", "reason": "登记错误"},
        headers=police,
    )
    listed = (await api.get(f"/api/v1{list_path}")).json()
    assert bit_is_set(listed["credentialSubject"]["encodedList"], index)
    assert verify_data_integrity_proof(listed)
