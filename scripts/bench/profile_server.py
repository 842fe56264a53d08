"""One BentoML worker under cProfile: the same steps as BentoML's own worker entry point (load the
service, build its ASGI app, run uvicorn) in a single process, so the event loop's time can be
attributed to functions while the load generator drives it. (py-spy would do this from outside;
it is not available here.)

    python -m scripts.bench.profile_server --target services.recommend.service:RecommendService \
        --port 3999 --out worker.prof          # SIGTERM stops it and writes the profile

Only the event-loop thread is profiled; the API function runs in BentoML's thread pool.
``python -m scripts.bench profile`` drives it and prints the table.
"""

from __future__ import annotations

import argparse
import cProfile
import signal
from pathlib import Path


def serve_profiled(target: str, port: int, out: Path) -> None:
    import uvicorn

    from services.core.bentoml_compat import worker_asgi_app

    app = worker_asgi_app(target)
    config = uvicorn.Config(app=app, host="127.0.0.1", port=port, log_config=None, workers=1, server_header=False)
    server = uvicorn.Server(config)  # its SIGTERM handler ends run() gracefully
    # uvicorn re-raises the captured signal once shut down; a no-op handler lets the profile be written
    signal.signal(signal.SIGTERM, lambda *_: None)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        server.run()
    finally:
        profiler.disable()
        profiler.dump_stats(str(out))


def main() -> None:
    parser = argparse.ArgumentParser(description="a BentoML worker under cProfile")
    parser.add_argument("--target", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    serve_profiled(args.target, args.port, args.out)


if __name__ == "__main__":
    main()
