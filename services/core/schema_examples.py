"""Examples in the API schema: what a request model (or a scalar parameter) shows in ``/docs``.

``json_schema_extra=schema_example(value)`` sets the OpenAPI ``example`` of a model or type; BentoML
keeps it in the service's OpenAPI document and ``/docs`` pre-fills it in "Try it out" (composed for
nested models, so a body of ``{"requests": [RecommendRequest]}`` shows the item's example). The JSON
Schema ``examples`` list is not used: BentoML's OpenAPI schema objects refuse it on a model.
Every example must be valid for the default models: a test posts each endpoint's example body to
the served services and expects 200 (tests/mainjob/test_schema_examples.py). An example built by a
function is computed when the schema is generated (for values such as "now").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JsonSchema = dict[str, Any]


def schema_example(value: Any) -> JsonSchema:
    return {"example": value}


def schema_example_at_build(make: Callable[[], Any]) -> Callable[[JsonSchema], None]:
    """An example computed when the schema is generated (a ``json_schema_extra`` callable)."""

    def extra(schema: JsonSchema) -> None:
        schema["example"] = make()

    return extra
