"""A feedback writer process for the fault tests: ``python -m tests.support.feedback_writer …``.

Writes ``--count`` events with ids ``<writer>-<n>`` in batches, resends part of the previous
batch with every batch (as a client retrying after a lost answer would), and retries a failed
batch until it is acknowledged (the database may be down). After each acknowledgement it appends
the batch's ids to ``--acks`` (flushed), so the test knows what was acknowledged even after SIGKILL.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path

from pydantic import SecretStr

from services.core.feedback import LogEvent, open_store
from services.core.feedback.settings import FeedbackStoreSettings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn")
    parser.add_argument("--sqlite", type=Path)
    parser.add_argument("--writer", required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--acks", type=Path, required=True)
    parser.add_argument("--pause", type=float, default=0.01, help="Seconds between batches (a steady stream).")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    settings = FeedbackStoreSettings(
        dsn=SecretStr(args.dsn) if args.dsn else None,
        dir=args.sqlite,
        pool_min_size=1,
        pool_max_size=2,
        pool_timeout_s=2.0,
    )
    store = open_store(settings)
    previous: list[LogEvent] = []
    with args.acks.open("a") as acks:
        for start in range(0, args.count, args.batch):
            batch = [
                LogEvent(
                    f"u_{n % 13}", f"item{n % 17}", "view", time.time(), "neutral/navy_gradient", f"{args.writer}-{n}"
                )
                for n in range(start, min(start + args.batch, args.count))
            ]
            resend = previous[: max(1, args.batch // 3)]
            while True:
                try:
                    store.append([*resend, *batch])
                    break
                except Exception:  # the database is down or restarting: retry the same events
                    time.sleep(0.2)
            acks.write("".join(f"{e.event_id}\n" for e in batch))
            acks.flush()
            previous = batch
            time.sleep(args.pause)
    store.close()
    os._exit(0)


if __name__ == "__main__":
    main()
