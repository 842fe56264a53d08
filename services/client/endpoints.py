"""Endpoints declared once, bound as sync or async methods.

An endpoint is declared by a stub method whose signature is the API's (parameter names are the
JSON body's keys, ``bytes`` parameters are uploaded as files) and whose return annotation is the
response model (``bytes`` for image answers, ``list[dict]`` for NDJSON streams)::

    class Recommend(Group[M]):
        @endpoint("/recommend")
        def recommend(self, requests: list[RecommendRequest]) -> list[Recommendations]: ...

``client.recommend.recommend(requests=[...])`` then returns ``list[Recommendations]`` on the sync
client and an awaitable of it on the async client.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, get_type_hints, overload

import httpx
from pydantic import BaseModel, TypeAdapter
from pydantic_core import to_jsonable_python

from .transport import Call, RetryPolicy, send_async, send_sync

P = ParamSpec("P")
R = TypeVar("R")


class Sync:
    """Mode marker: methods return results."""


class Async:
    """Mode marker: methods return awaitables."""


M = TypeVar("M", Sync, Async)


class Group(Generic[M]):
    """The endpoints of one capability, bound to one HTTP client (sync or async)."""

    capability: str = ""

    def __init__(self, http: httpx.Client | httpx.AsyncClient, retry: RetryPolicy) -> None:
        self._http = http
        self._retry = retry


WIRE = {"wire": True}  # serialization context: uploads dump as their base64 file, not a placeholder


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, context=WIRE)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    return to_jsonable_python(value, exclude_none=True)


class Endpoint(Generic[P, R]):
    """A descriptor made from a stub: builds the call, sends it, parses the answer."""

    def __init__(self, route: str, stub: Callable[Concatenate[Any, P], R]) -> None:
        self.route = route
        self.stub = stub
        self.name = stub.__name__
        self.__doc__ = stub.__doc__

    @cached_property
    def _signature(self) -> inspect.Signature:
        return inspect.signature(self.stub)

    @cached_property
    def _hints(self) -> dict[str, Any]:
        return get_type_hints(self.stub)

    @cached_property
    def returns(self) -> Any:
        return self._hints["return"]

    @cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.returns)

    def build(self, *args: Any, **kwargs: Any) -> Call:
        bound = self._signature.bind(None, *args, **kwargs)
        params = {k: v for k, v in bound.arguments.items() if k != "self" and v is not None}
        files = {k: (k, v) for k, v in params.items() if isinstance(v, bytes | bytearray)}
        if files:
            data = {
                k: json.dumps(_jsonable(v)) if not isinstance(v, str) else v
                for k, v in params.items()
                if k not in files
            }
            return Call(self.route, data=data, files={k: (name, bytes(v)) for k, (name, v) in files.items()})
        return Call(self.route, json={k: _jsonable(v) for k, v in params.items()})

    def parse(self, response: httpx.Response) -> R:
        if self.returns is bytes:
            return response.content  # type: ignore[return-value]
        if self.returns == list[dict[str, Any]]:  # a stream of NDJSON events
            return [json.loads(line) for line in response.text.splitlines() if line.strip()]  # type: ignore[return-value]
        return self._adapter.validate_python(response.json())

    @overload
    def __get__(self, group: None, owner: type) -> Endpoint[P, R]: ...
    @overload
    def __get__(self, group: Group[Sync], owner: type) -> Callable[P, R]: ...
    @overload
    def __get__(self, group: Group[Async], owner: type) -> Callable[P, Awaitable[R]]: ...
    def __get__(self, group: Group[Any] | None, owner: type) -> Any:
        if group is None:
            return self
        http = group._http
        retry = group._retry
        if isinstance(http, httpx.AsyncClient):

            async def call_async(*args: Any, **kwargs: Any) -> R:
                return self.parse(await send_async(http, retry, self.build(*args, **kwargs)))

            call_async.__doc__ = self.__doc__
            return call_async

        def call_sync(*args: Any, **kwargs: Any) -> R:
            return self.parse(send_sync(http, retry, self.build(*args, **kwargs)))

        call_sync.__doc__ = self.__doc__
        return call_sync


def endpoint(route: str) -> Callable[[Callable[Concatenate[Any, P], R]], Endpoint[P, R]]:
    """Declare an endpoint from a stub method (see the module docstring)."""

    def wrap(stub: Callable[Concatenate[Any, P], R]) -> Endpoint[P, R]:
        return Endpoint(route, stub)

    return wrap


def endpoints_of(group: type[Group[Any]]) -> Mapping[str, Endpoint[Any, Any]]:
    """Every endpoint a group declares, by method name."""
    return {name: value for name, value in vars(group).items() if isinstance(value, Endpoint)}
