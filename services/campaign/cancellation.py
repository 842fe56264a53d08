"""A campaign call ends its dependency calls when it ends: on a client disconnect and on a timeout.

``until_done_or_gone`` runs the composition as a task next to a watcher of the ASGI ``receive``
channel. When the client disconnects the composition is cancelled at once; cancelling it cancels
every dependency call in flight (``asyncio.wait_for`` / ``gather`` propagate it down to the HTTP
requests, whose connections are closed), instead of the calls running on for a caller who is
gone. When the campaign call itself is cancelled (BentoML's request timeout cancels the request
task), the composition is cancelled with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from http import HTTPStatus
from typing import Any, TypeVar

from bentoml.exceptions import BentoMLException

log = logging.getLogger(__name__)
T = TypeVar("T")
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


class ClientGone(BentoMLException):
    """The caller disconnected before the answer was ready; nothing is left running for it.

    Answered 408 for the access log and metrics; nobody is there to read it.
    """

    error_code = HTTPStatus.REQUEST_TIMEOUT


async def _disconnected(receive: Receive) -> None:
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            return


async def until_done_or_gone(work: Coroutine[Any, Any, T], receive: Receive | None) -> T:
    """The result of ``work``, or ``ClientGone`` once the client disconnects (``work`` cancelled)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(receive)) if receive is not None else None
    try:
        waiting = {task} if watcher is None else {task, watcher}
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        if watcher is not None and watcher.exception() is not None:  # no disconnect signal here: just wait
            log.debug("disconnect watcher stopped: %s", watcher.exception())
            return await task
        log.info("client disconnected: campaign and its dependency calls cancelled")
        raise ClientGone("client disconnected")
    finally:
        for pending in (task, watcher):
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending
