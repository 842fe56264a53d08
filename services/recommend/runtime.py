"""The one served recommender of this process, shared by the service and its request validators."""

from __future__ import annotations

from services.core.managed_model import ManagedModel

from .artifacts import load_recommender
from .model import Recommender

RECOMMENDER: ManagedModel[Recommender] = ManagedModel("recommend_model", load_recommender)
