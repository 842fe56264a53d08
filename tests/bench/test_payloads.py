"""Every registered payload builder produces bodies that the service's own request schema accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.bench.inprocess import api_call, load_service
from scripts.bench.payloads.context import PayloadContext
from scripts.bench.registry import ENDPOINTS, select

AVAILABLE = [e for e in ENDPOINTS if e.service.available()]


@pytest.mark.parametrize("spec", AVAILABLE, ids=[e.key for e in AVAILABLE])
def test_payloads_validate_against_the_service_schema(spec, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = PayloadContext(shared_data, models={"recommend_model": None})  # ids from the data set
    bodies = spec.payload(ctx, 3)
    assert len(bodies) == 3
    call = api_call(load_service(spec.service.target), spec.method)
    for body in bodies:
        parsed = call.validate_json(json.dumps(body).encode())
        if spec.batchable:
            assert call.param is not None and len(call.items(parsed)) == 1
    if spec.batchable and spec.route.batched_by_default:
        assert call.batching.max_batch_size and call.batching.max_batch_size > 1  # batched in this process


def test_selection_of_endpoints() -> None:
    keys = [e.key for e in select(["vision.embed", "recommend.recommend"])]
    assert keys == ["recommend.recommend", "vision.embed"]  # registry order, grouped by service
    assert all(e.batchable for e in select(["all"]))
    with pytest.raises(KeyError):
        select(["nope.nothing"])
