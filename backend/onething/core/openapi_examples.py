"""Examples in the OpenAPI document: each domain's `examples.py` gives bodies per msgspec Struct
(and per operation for the few answers that are plain JSON objects); this module puts them
on the Struct's component schema and on those operations' success answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

import msgspec

# Litestar has no public hook for an example of a whole msgspec Struct: the component schema
# is built by this plugin, so a subclass of it is where the example can join the schema.
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.routes import HTTPRoute

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition

JSONObject: TypeAlias = dict[str, Any]
StructExamples: TypeAlias = Mapping[type[msgspec.Struct], Sequence[JSONObject]]


class OperationExample(NamedTuple):
    """The success answer of an operation whose body is a plain JSON object, not a Struct."""

    status: int
    body: Any
    media_type: str | None = None  # None: the handler's, else JSON


OperationExamples: TypeAlias = Mapping[str, OperationExample]


class StructExamplesPlugin(StructSchemaPlugin):
    """Litestar's own Struct schema plugin, plus the registered examples of each Struct."""

    def __init__(self, examples: StructExamples) -> None:
        self._examples = {struct: list(values) for struct, values in examples.items()}

    def to_openapi_schema(
        self, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if examples := self._examples.get(field_definition.type_):
            schema.examples = [as_is(example) for example in examples]
        return schema


def as_is(example: Any) -> msgspec.Raw:
    """The example as encoded JSON: Litestar drops every None from the plain dicts of the
    document it builds, which would take the `null` members out of an example (and make it
    contradict its schema); encoded JSON passes through untouched."""
    return msgspec.Raw(msgspec.json.encode(example))


def _example_modules() -> tuple[ModuleType, ...]:
    # Imported here, where the app is wired, so that no domain imports another's examples.
    from onething.applications import examples as applications
    from onething.catalog import examples as catalog
    from onething.delivery import examples as delivery
    from onething.departments import examples as departments
    from onething.identity import examples as identity
    from onething.licenses import examples as licenses
    from onething.notify import examples as notify

    return (applications, catalog, delivery, departments, identity, licenses, notify)


def struct_examples() -> dict[type[msgspec.Struct], list[JSONObject]]:
    """Every domain's Struct examples (its `examples.STRUCTS`), plus the probes'."""
    from onething.core import health

    merged: dict[type[msgspec.Struct], list[JSONObject]] = {}
    parts = [module.STRUCTS for module in _example_modules()] + [health.EXAMPLES]
    for part in parts:
        for struct, values in part.items():
            merged.setdefault(struct, []).extend(values)
    return merged


def operation_examples() -> dict[str, OperationExample]:
    """Examples of success answers that are plain JSON objects (discovery, JWKS, tokens, …):
    each domain's `examples.OPERATIONS`, where it has any."""
    merged: dict[str, OperationExample] = {}
    for module in _example_modules():
        merged.update(getattr(module, "OPERATIONS", {}))
    return merged


def document_operation_examples(app: Litestar, examples: OperationExamples) -> None:
    """Give the named operations' success answers their example (declared on the handler,
    so the document Litestar builds carries it)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            operation_id = handler.operation_id
            entry = examples.get(operation_id) if isinstance(operation_id, str) else None
            if entry is None:
                continue
            media_type = entry.media_type or handler.media_type
            responses = dict(handler.responses or {})
            responses[entry.status] = ResponseSpec(
                data_container=dict[str, Any],
                description=handler.response_description or "The answer",
                generate_examples=False,
                # a handler answering a `Response` leaves its media type to the answer: JSON
                media_type=(media_type.value if isinstance(media_type, Enum) else media_type)
                or "application/json",
                examples=[Example(summary="Example", value=as_is(entry.body))],
            )
            handler.responses = responses
