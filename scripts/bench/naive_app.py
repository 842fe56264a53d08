"""The naive baseline: what one would write without BentoML — a plain Starlette app under uvicorn
that loads the same model and runs it once per request.

Each JSON API of the service gets a POST route at the same path. The handler reads the body,
validates it with pydantic (the same request models), runs the API function on that request alone
in Starlette's thread pool (as FastAPI does for ``def`` handlers) and returns the JSON output.
No batching, no queue, no auth middleware. ``/readyz`` answers 200 once the models are loaded.

    python -m scripts.bench.naive_app --target services.vision.service:VisionService --port 8001
"""

from __future__ import annotations

import argparse
import logging
import threading
from typing import Any

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .inprocess import ApiCall, api_call, load_service, start_instance

log = logging.getLogger(__name__)


def _json_apis(service: Any, names: list[str] | None) -> list[ApiCall]:
    calls = []
    for name in service.apis:
        if names and name not in names:
            continue
        try:
            calls.append(api_call(service, name))
        except Exception as exc:  # an API whose inputs are files or images has no JSON body
            log.info("naive app skips %s: %s", name, exc)
    return calls


def build_app(target: str, names: list[str] | None = None) -> Starlette:
    service = load_service(target)
    calls = _json_apis(service, names)
    state: dict[str, Any] = {"instance": None, "error": None}

    def load() -> None:
        try:
            state["instance"] = start_instance(service)
        except Exception as exc:
            state["error"] = str(exc)
            log.error("naive app could not load its models: %s", exc)

    threading.Thread(target=load, name="naive-load", daemon=True).start()

    def handler(call: ApiCall) -> Any:
        async def endpoint(request: Request) -> Response:
            instance = state["instance"]
            if instance is None:
                return JSONResponse({"error": state["error"] or "model still loading"}, status_code=503)
            try:
                body = call.validate_json(await request.body())
            except ValidationError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            output = await run_in_threadpool(call.call_body, instance, body)
            return Response(call.dump_json(output), media_type="application/json")

        return endpoint

    async def readyz(_: Request) -> Response:
        ready = state["instance"] is not None
        return JSONResponse({"ready": ready, "error": state["error"]}, status_code=200 if ready else 503)

    async def noop(_: Request) -> Response:
        return JSONResponse({"ok": True})

    routes = [Route(call.route, handler(call), methods=["POST"]) for call in calls]
    routes += [Route("/readyz", readyz, methods=["GET"]), Route("/noop", noop, methods=["POST"])]
    return Starlette(routes=routes)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="module:ServiceClass")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", action="append", help="only these API names (repeatable)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(build_app(args.target, args.api), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
