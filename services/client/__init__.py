"""Typed Python client of the adserve HTTP API: sync (``AdserveClient``) and async (``AsyncAdserveClient``).

One method per endpoint, taking and returning the services' own pydantic models::

    from services.client import AdserveClient
    from services.recommend.schemas import ProfileRequest

    with AdserveClient("http://localhost:3000", api_key="…") as client:
        recs = client.recommend.recommend_for_profile(requests=[ProfileRequest(country="France", k=5)])
"""

from .client import AdserveClient, AsyncAdserveClient
from .errors import AdserveError
from .transport import RetryPolicy

__all__ = ["AdserveClient", "AdserveError", "AsyncAdserveClient", "RetryPolicy"]
