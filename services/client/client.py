"""``AdserveClient`` and ``AsyncAdserveClient``: one HTTP client per capability, grouped.

Every capability answers at ``base_url`` unless ``urls`` names another address for it (the main
job serves each capability on its own port; a gateway serves them all at one address).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, ClassVar, Generic, Self

import httpx

from .api import Campaign, Creative, Recommend, Text, Vision
from .endpoints import Async, Group, M, Sync
from .transport import RetryPolicy


def _headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


class _Base(Generic[M]):
    """The capability groups on their HTTP clients (one per distinct address).

    ``transport`` is an ``httpx.BaseTransport`` for ``AdserveClient`` and an
    ``httpx.AsyncBaseTransport`` for ``AsyncAdserveClient`` (tests pass mock transports).
    """

    http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    recommend: Recommend[M]
    text: Text[M]
    vision: Vision[M]
    creative: Creative[M]
    campaign: Campaign[M]

    def __init__(
        self,
        base_url: str = "http://localhost:3000",
        *,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        urls: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._retry = retry or RetryPolicy()
        self._https: dict[str, httpx.Client | httpx.AsyncClient] = {}
        for group in (Recommend, Text, Vision, Creative, Campaign):
            url = (urls or {}).get(group.capability, base_url)
            http = self._https.get(url) or self.http_class(
                base_url=url, headers=_headers(api_key), timeout=timeout_s, transport=transport
            )
            self._https[url] = http
            setattr(self, group.capability, group(http, self._retry))

    def groups(self) -> list[Group[M]]:
        return [self.recommend, self.text, self.vision, self.creative, self.campaign]


class AdserveClient(_Base[Sync]):
    """Blocking client: ``client.recommend.recommend(requests=[…])`` returns the response models."""

    http_class = httpx.Client

    def ready(self, capability: str) -> bool:
        """Whether a capability's service answers ``/readyz`` with 200."""
        http = getattr(self, capability)._http
        try:
            return http.get("/readyz").status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        for http in self._https.values():
            http.close()  # type: ignore[union-attr]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: tuple[type[BaseException], BaseException, TracebackType] | Any) -> None:
        self.close()


class AsyncAdserveClient(_Base[Async]):
    """Asyncio client: the same methods, awaited."""

    http_class = httpx.AsyncClient

    async def ready(self, capability: str) -> bool:
        http = getattr(self, capability)._http
        try:
            return (await http.get("/readyz")).status_code == 200
        except httpx.HTTPError:
            return False

    async def aclose(self) -> None:
        for http in self._https.values():
            await http.aclose()  # type: ignore[union-attr]

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()
