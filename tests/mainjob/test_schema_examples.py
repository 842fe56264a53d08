"""Every example of the API schema, posted to the served services: each answers 200.

The request body of each JSON route of the catalog is built from the OpenAPI document the service
itself serves (``/docs.json``): an ``example`` where the schema has one, lists of one example item,
objects from their properties' examples (required ones must have one). So what ``/docs`` pre-fills is
exactly what is tested, and a route whose body cannot be built from examples fails.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.core.capabilities import get_catalog

from .conftest import MainJob

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MISSING = object()
ROUTES = [
    (cap.name, route.path)
    for cap in get_catalog().capabilities.values()
    for route in cap.routes
    if route.content != "multipart"  # file uploads: /docs offers a file picker, there is no JSON example
]


def example_of(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """The example value of a schema, composed from nested examples; ``MISSING`` when there is none."""
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        return example_of(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("allOf", "anyOf", "oneOf"):
        for option in schema.get(key, []):
            if option.get("type") != "null" and (value := example_of(option, components)) is not MISSING:
                return value
    if schema.get("type") == "array" and "items" in schema:
        item = example_of(schema["items"], components)
        return MISSING if item is MISSING else [item]
    if schema.get("type") == "object" and "properties" in schema:
        body: dict[str, Any] = {}
        for name, prop in schema["properties"].items():
            value = example_of(prop, components)
            if value is not MISSING:
                body[name] = value
            elif name in schema.get("required", []):
                return MISSING
        return body
    return MISSING


@pytest.fixture(scope="module")
def documents(main_job: MainJob) -> dict[str, dict[str, Any]]:
    docs = {}
    for name in get_catalog().names:
        answer = httpx.get(f"{main_job.url(name)}/docs.json", timeout=30)
        assert answer.status_code == 200, name
        docs[name] = answer.json()
    return docs


@pytest.mark.parametrize(("capability", "path"), ROUTES, ids=[f"{c}{p}" for c, p in ROUTES])
def test_schema_example_is_answered_with_200(
    main_job: MainJob, documents: dict[str, dict[str, Any]], capability: str, path: str
) -> None:
    doc = documents[capability]
    request = doc["paths"][path]["post"].get("requestBody", {}).get("content", {}).get("application/json")
    assert request is not None, f"{capability}{path} has no JSON request body in its OpenAPI document"
    body = example_of(request["schema"], doc["components"]["schemas"])
    assert body is not MISSING, f"{capability}{path}: a required input has no example in the schema"
    answer = httpx.post(f"{main_job.url(capability)}{path}", json=body, timeout=300)
    assert answer.status_code == 200, f"{capability}{path} {body!r:.300} -> {answer.status_code} {answer.text[:500]}"
    assert answer.content.strip()
