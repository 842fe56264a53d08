"""An id that passed validation but is gone after a hot swap fails its own row, never the batch.

The requests are validated against one recommender, then a version without one of the users and
one of the items is swapped in before the batch runs (what ``ManagedModel.refresh`` does between
parsing and batching); the service's batch functions are called as BentoML calls them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from services.core.service_kit import api_function
from services.recommend.features import ItemAttributes
from services.recommend.model import Recommender
from services.recommend.runtime import RECOMMENDER
from services.recommend.schemas import ProfileRequest, RecommendRequest, SimilarItemsRequest
from services.recommend.service import RecommendService


def _recommender(items: list[str], users: list[str]) -> Recommender:
    rng = np.random.default_rng(7)
    return Recommender(
        item_ids=items,
        titles=[f"ITEM {i}" for i in items],
        prices=np.ones(len(items)),
        item_vecs=rng.normal(size=(len(items), 4)).astype(np.float32),
        item_bias=np.zeros(len(items), dtype=np.float32),
        user_ids=users,
        user_vecs=rng.normal(size=(len(users), 4)).astype(np.float32),
        user_country=["France"] * len(users),
        purchased=[np.zeros(0, dtype=np.int64) for _ in users],
        country_vecs={},
        attributes=ItemAttributes((), (), None),
        item_attribute_vecs=np.zeros((1, 4), dtype=np.float32),
        item_attribute_bias=np.zeros(1, dtype=np.float32),
    )


ITEMS = [f"I{n:03d}" for n in range(12)]
USERS = [f"u_{n:016x}" for n in range(4)]


@pytest.fixture
def swapped() -> Iterator[RecommendService]:
    old = RECOMMENDER.peek(), RECOMMENDER.tag
    RECOMMENDER.swap(_recommender(ITEMS, USERS), "recommend-lightfm:before")
    service = RecommendService.inner.__new__(RecommendService.inner)  # no background loading
    yield service
    if old[0] is not None:
        RECOMMENDER.swap(old[0], old[1] or "")
    else:
        RECOMMENDER._value, RECOMMENDER._tag = None, None


def _swap_in_a_smaller_model() -> None:
    RECOMMENDER.swap(_recommender(ITEMS[1:], USERS[1:]), "recommend-lightfm:after")


def test_recommend_fails_only_the_row_of_the_vanished_user(swapped: RecommendService) -> None:
    requests = [RecommendRequest(user_id=u, k=3) for u in USERS]  # all valid now
    _swap_in_a_smaller_model()
    answers = api_function(RecommendService.apis["recommend"])(swapped, requests)
    assert [a.key for a in answers] == USERS
    assert answers[0].items == [] and answers[0].error and USERS[0] in answers[0].error
    assert "recommend-lightfm:after" in answers[0].error
    assert all(len(a.items) == 3 and a.error is None for a in answers[1:])


def test_similar_items_and_profiles_fail_only_their_own_rows(swapped: RecommendService) -> None:
    similar = [SimilarItemsRequest(item_id=i, k=2) for i in ITEMS[:3]]
    profiles = [ProfileRequest(recent_item_ids=[ITEMS[0]], k=2), ProfileRequest(recent_item_ids=[ITEMS[5]], k=2)]
    _swap_in_a_smaller_model()
    answers = api_function(RecommendService.apis["similar_items"])(swapped, similar)
    assert answers[0].error and ITEMS[0] in answers[0].error and not answers[0].items
    assert all(len(a.items) == 2 and a.error is None for a in answers[1:])
    answers = api_function(RecommendService.apis["recommend_for_profile"])(swapped, profiles)
    assert answers[0].error and not answers[0].items
    assert len(answers[1].items) == 2 and answers[1].error is None
