"""Routes declare their own documentation; /api/v1/openapi.json is assembled from it.

`endpoint(...)` wraps a view so the OpenAPI document can never list an endpoint that does
not exist, nor miss one that does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

Schema = dict[str, Any]


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    auth: str  # "none", "optional" or "token"
    request: Schema | None = None
    response: Schema | None = None
    status: int = 200
    tags: list[str] = field(default_factory=list)
    query: dict[str, Schema] = field(default_factory=dict)
    multipart: bool = False


OPERATIONS: list[Operation] = []


def obj(required: list[str] | None = None, **properties: Schema) -> Schema:
    """A JSON-schema object; keeps route declarations short."""
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
DATETIME: Schema = {"type": "string", "format": "date-time"}


def nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def list_of(item: Schema) -> Schema:
    return obj(["results", "total"], results={"type": "array", "items": item}, total=INTEGER)


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    *,
    auth: str = "token",
    request: Schema | None = None,
    response: Schema | None = None,
    status: int = 200,
    tags: list[str] | None = None,
    query: dict[str, Schema] | None = None,
    multipart: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on the API blueprint and describe it for the OpenAPI document."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        OPERATIONS.append(
            Operation(
                rule,
                method.upper(),
                summary,
                auth,
                request,
                response,
                status,
                tags or [],
                query or {},
                multipart,
            )
        )
        bp.add_url_rule(
            rule,
            view_func=view,
            methods=[method.upper()],
            endpoint=f"{view.__name__}_{method.lower()}",
        )
        return view

    return decorate


ERROR = obj(["error"], error=obj(["code", "message"], code=STRING, message=STRING, field=STRING))


def _path(rule: str) -> str:
    """Flask's `<int:number>` becomes OpenAPI's `{number}`."""
    out, depth, name = "", 0, ""
    for char in rule:
        if char == "<":
            depth, name = 1, ""
        elif char == ">":
            depth = 0
            out += "{" + name.split(":")[-1] + "}"
        elif depth:
            name += char
        else:
            out += char
    return out


def _path_parameters(rule: str) -> list[tuple[str, Schema]]:
    """Each `<name>` or `<int:name>` of a rule with its schema: Flask's `int` converter
    matches only non-negative whole numbers, so anything else is a 404 before the view."""
    out: list[tuple[str, Schema]] = []
    for segment in rule.split("/"):
        if segment.startswith("<") and segment.endswith(">"):
            converter, _, name = segment[1:-1].rpartition(":")
            schema = {"type": "integer", "minimum": 0} if converter == "int" else STRING
            out.append((name, schema))
    return out


def document(title: str, version: str = "1.0.0", prefix: str = "/api/v1") -> dict[str, Any]:
    """The OpenAPI 3.0 document for every registered operation."""
    paths: dict[str, Any] = {}
    for op in sorted(OPERATIONS, key=lambda o: (o.rule, o.method)):
        path = prefix + _path(op.rule)
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": schema}
            for name, schema in _path_parameters(op.rule)
        ] + [
            {"name": n, "in": "query", "required": False, "schema": s} for n, s in op.query.items()
        ]
        responses: dict[str, Any] = {
            str(op.status): {
                "description": "Success",
                "content": {"application/json": {"schema": op.response or obj()}},
            },
            "4XX": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
            "503": {
                "description": "The database cannot be reached; retry after Retry-After seconds",
                "content": {"application/json": {"schema": ERROR}},
            },
        }
        if op.multipart:
            responses["507"] = {
                "description": "The file storage is full; nothing was saved",
                "content": {"application/json": {"schema": ERROR}},
            }
        operation: dict[str, Any] = {
            "summary": op.summary,
            "operationId": f"{op.method.lower()}_{path.strip('/').replace('/', '_')}",
            "tags": op.tags,
            "parameters": parameters,
            "responses": responses,
        }
        if op.auth == "token":
            operation["security"] = [{"bearer": []}]
        elif op.auth == "optional":
            operation["security"] = [{}, {"bearer": []}]
        if op.request is not None:
            media = "multipart/form-data" if op.multipart else "application/json"
            operation["requestBody"] = {
                "required": True,
                "content": {media: {"schema": op.request}},
            }
        paths.setdefault(path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
