#!/usr/bin/env python3
"""Generates the compact API contract from Vapi's OpenAPI document.

The contract keeps the *structure* of the document (types, enums, required fields, bounds,
formats, $refs, oneOf + discriminators) and drops the prose (descriptions, examples, titles).
The C++ contract engine (src/contract/) embeds the output and compiles it at start-up.

Usage:
  python3 tools/gen_contract.py [--openapi PATH] [--out PATH] [--check]

--check exits 1 when the file at --out differs from what would be generated (for CI).
Output is deterministic: the same input always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
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
    return {"openapi": doc.get("openapi", "3.0.0"),
            "info": {"title": info.get("title", ""), "version": info.get("version", "")},
            "paths": paths, "schemas": schemas}


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
