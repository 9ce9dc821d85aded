#!/usr/bin/env python3
"""Generates the compact API contract from Vapi's OpenAPI document.

The contract keeps the *structure* of the document (types, enums, required fields, bounds,
formats, $refs, oneOf + discriminators) and drops the prose (descriptions, examples, titles).
The C++ contract engine (src/contract/) embeds the output and compiles it at start-up.
Paths and schemas the document lacks but Vapi serves (/credential, /org/{id}) are added here,
derived from the document's own schemas and marked "x-switchboard": true (see
add_credential_paths, add_org_paths).

Usage:
  python3 tools/gen_contract.py [--openapi PATH] [--out PATH] [--check]

--check exits 1 when the file at --out differs from what would be generated (for CI).
Output is deterministic: the same input always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OPENAPI = REPO_ROOT.parent / "shared" / "reference" / "vapi-openapi.json"
DEFAULT_OUT = REPO_ROOT / "contract" / "vapi-contract.json"

# Schema keywords kept, in the order they are emitted. Everything else (description, example,
# examples, title, externalDocs, x-*) is prose or tooling and is dropped.
VALUE_KEYWORDS = ("type", "format", "enum", "const", "default", "nullable", "minLength",
                  "maxLength", "minimum", "maximum", "minItems", "maxItems", "pattern",
                  "readOnly", "writeOnly", "deprecated")
SCHEMA_LIST_KEYWORDS = ("allOf", "oneOf", "anyOf")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SUCCESS_STATUSES = ("200", "201", "202")


def compact_schema(node: Any) -> Any:
    """Returns the structural part of one schema object (recursively)."""
    if not isinstance(node, dict):
        return node  # `true`/`false` schemas (additionalProperties: true)
    out: dict[str, Any] = {}
    if "$ref" in node:
        out["$ref"] = node["$ref"]
    for key in VALUE_KEYWORDS:
        if key in node:
            out[key] = node[key]
    if "required" in node and isinstance(node["required"], list):
        out["required"] = node["required"]
    if "properties" in node:
        # Declaration order is kept: it decides the order of validation messages.
        out["properties"] = {name: compact_schema(sub) for name, sub in node["properties"].items()}
    if "additionalProperties" in node:
        out["additionalProperties"] = compact_schema(node["additionalProperties"])
    if "items" in node:
        out["items"] = compact_schema(node["items"])
    for key in SCHEMA_LIST_KEYWORDS:
        if key in node:
            out[key] = [compact_schema(sub) for sub in node[key]]
    if "discriminator" in node:
        disc = node["discriminator"]
        out["discriminator"] = {"propertyName": disc["propertyName"]}
        if "mapping" in disc:
            out["discriminator"]["mapping"] = disc["mapping"]
    return out


def compact_parameter(param: dict[str, Any]) -> dict[str, Any]:
    schema = compact_schema(param.get("schema", {}))
    # A few parameters carry `allOf` beside an empty `schema`; fold it into the schema.
    if not schema and "allOf" in param:
        schema = {"allOf": [compact_schema(sub) for sub in param["allOf"]]}
    return {"name": param["name"], "in": param["in"],
            "required": bool(param.get("required", False)), "schema": schema}


def compact_response(responses: dict[str, Any]) -> dict[str, Any] | None:
    """The success response: the first of 200/201/202 with content, else the first 2xx."""
    for status in SUCCESS_STATUSES:
        content = (responses.get(status) or {}).get("content") or {}
        for content_type, media in content.items():
            if "schema" in media:
                return {"status": int(status), "contentType": content_type,
                        "schema": compact_schema(media["schema"])}
    for status in responses:
        if status.startswith("2"):
            return {"status": int(status)}
    return None


def compact_operation(op: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.get("operationId", "")}
    out["parameters"] = [compact_parameter(p) for p in op.get("parameters", [])]
    body = op.get("requestBody")
    if body:
        out["requestBody"] = {
            "required": bool(body.get("required", False)),
            "content": {ct: compact_schema(media.get("schema", {}))
                        for ct, media in body.get("content", {}).items()},
        }
    response = compact_response(op.get("responses", {}))
    if response is not None:
        out["response"] = response
    return out


def build_contract(doc: dict[str, Any]) -> dict[str, Any]:
    info = doc.get("info", {})
    paths = {}
    for path, item in doc.get("paths", {}).items():
        paths[path] = {m: compact_operation(item[m]) for m in item if m in HTTP_METHODS}
    schemas = {name: compact_schema(s)
               for name, s in doc.get("components", {}).get("schemas", {}).items()}
    contract = {"openapi": doc.get("openapi", "3.0.0"),
                "info": {"title": info.get("title", ""), "version": info.get("version", "")},
                "paths": paths, "schemas": schemas}
    add_credential_paths(contract)
    add_org_paths(contract)
    return contract


# --- Switchboard's own additions --------------------------------------------------------------
# Vapi serves /credential, but its document has only the credential schemas, no paths. The
# paths below (and the schemas the document lacks) are derived from those schemas and marked
# "x-switchboard": true, so a reader of /api-json can tell them from Vapi's own.

OWN = "x-switchboard"
CREATE_CREDENTIAL = re.compile(r"^Create(\w+)CredentialDTO$")
SCHEMA_REF = "#/components/schemas/"

# Telnyx numbers take a credentialId, but the document has no Telnyx credential: one is an API
# key, as Telnyx's own API authenticates.
TELNYX = "Telnyx"


def provider_of(schema: dict[str, Any], name: str) -> str:
    """The single value of a credential schema's `provider` enum."""
    values = schema.get("properties", {}).get("provider", {}).get("enum", [])
    if len(values) != 1:
        raise SystemExit(f"{name}: expected a single-value provider enum, found {values}")
    return values[0]


def synthesize_telnyx(schemas: dict[str, Any]) -> None:
    name_schema = schemas["CreateOpenAICredentialDTO"]["properties"]["name"]
    schemas[f"Create{TELNYX}CredentialDTO"] = {
        "type": "object", "required": ["provider", "apiKey"],
        "properties": {"provider": {"type": "string", "enum": ["telnyx"]},
                       "apiKey": {"type": "string"}, "name": dict(name_schema)},
        OWN: True}


def update_of(schemas: dict[str, Any], stem: str) -> str:
    """The Update DTO of a credential type; one without is the Create DTO, nothing required."""
    name = f"Update{stem}CredentialDTO"
    if name not in schemas:
        create = schemas[f"Create{stem}CredentialDTO"]
        schemas[name] = {k: v for k, v in create.items() if k not in ("required", OWN)}
        schemas[name][OWN] = True
    return name


def response_of(schemas: dict[str, Any], stem: str, provider: str) -> str:
    """The response schema of a credential type, found by its provider; or one derived from
    the Create DTO plus the server-set fields."""
    for name in sorted(schemas):
        schema = schemas[name]
        if (name.endswith("Credential") and isinstance(schema, dict)
                and schema.get("properties", {}).get("provider", {}).get("enum") == [provider]):
            return name
    create = schemas[f"Create{stem}CredentialDTO"]
    server_set = {"id": {"type": "string"}, "orgId": {"type": "string"},
                  "createdAt": {"type": "string", "format": "date-time"},
                  "updatedAt": {"type": "string", "format": "date-time"}}
    name = f"{stem}Credential"
    schemas[name] = {"type": "object",
                     "required": create.get("required", []) + list(server_set),
                     "properties": {**create["properties"], **server_set}, OWN: True}
    return name


def union(names_by_provider: dict[str, str]) -> dict[str, Any]:
    """oneOf the named schemas, with `provider` as the discriminator."""
    ordered = sorted(names_by_provider.items())
    return {"oneOf": [{"$ref": SCHEMA_REF + n} for _, n in ordered],
            "discriminator": {"propertyName": "provider",
                              "mapping": {p: SCHEMA_REF + n for p, n in ordered}}}


def add_credential_paths(contract: dict[str, Any]) -> None:
    schemas = contract["schemas"]
    synthesize_telnyx(schemas)
    creates, updates, responses = {}, {}, {}
    for name in sorted(schemas):
        match = CREATE_CREDENTIAL.match(name)
        if not match:
            continue
        stem, provider = match.group(1), provider_of(schemas[name], name)
        creates[provider] = name
        updates[provider] = update_of(schemas, stem)
        responses[provider] = response_of(schemas, stem, provider)
    one = {"status": 200, "contentType": "application/json", "schema": union(responses)}
    assistants = contract["paths"]["/assistant"]["get"]["parameters"]
    id_param = contract["paths"]["/assistant/{id}"]["get"]["parameters"]

    def operation(op_id: str, parameters: list, response: dict, body: dict | None = None):
        op = {"operationId": f"CredentialController_{op_id}", "parameters": parameters}
        if body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": body}}
        op["response"] = response
        op[OWN] = True
        return op

    contract["paths"]["/credential"] = {
        "post": operation("create", [], {**one, "status": 201}, union(creates)),
        "get": operation("findAll", assistants,
                         {**one, "schema": {"type": "array", "items": union(responses)}}),
    }
    contract["paths"]["/credential/{id}"] = {
        "get": operation("findOne", id_param, one),
        "patch": operation("update", id_param, one, union(updates)),
        "delete": operation("remove", id_param, one),
    }


# Vapi serves GET /org (the orgs the caller belongs to) and GET and PATCH /org/{id} (the org's
# name, its webhook server, ...), which the document lacks too; their schemas (Org,
# UpdateOrgDTO) are the document's own.
def add_org_paths(contract: dict[str, Any]) -> None:
    id_param = contract["paths"]["/assistant/{id}"]["get"]["parameters"]
    one = {"status": 200, "contentType": "application/json",
           "schema": {"$ref": SCHEMA_REF + "Org"}}

    def operation(op_id: str, body: dict | None = None, params=id_param, response=one):
        op = {"operationId": f"OrgController_{op_id}", "parameters": params}
        if body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": body}}
        op["response"] = response
        op[OWN] = True
        return op

    many = {"status": 200, "contentType": "application/json",
            "schema": {"type": "array", "items": {"$ref": SCHEMA_REF + "Org"}}}
    contract["paths"]["/org"] = {"get": operation("findAll", params=[], response=many)}
    contract["paths"]["/org/{id}"] = {
        "get": operation("findOne"),
        "patch": operation("update", {"$ref": SCHEMA_REF + "UpdateOrgDTO"}),
    }


def render(contract: dict[str, Any]) -> bytes:
    text = json.dumps(contract, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", type=Path, default=DEFAULT_OPENAPI)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if --out differs from the generated contract")
    args = parser.parse_args(argv)

    with args.openapi.open("r", encoding="utf-8") as f:
        doc = json.load(f)
    data = render(build_contract(doc))

    if args.check:
        current = args.out.read_bytes() if args.out.exists() else b""
        if current != data:
            print(f"{args.out} is stale: run tools/gen_contract.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
