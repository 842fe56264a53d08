"""The online update killed between publishing and its cursor move: ``python -m tests.support.crashing_update DB``.

Runs one update against the SQLite store at ``DB`` (the served model from the environment) and
SIGKILLs itself when the run would record its decision and move the cursor, i.e. after the new
version is saved and the alias moved.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from services.core.feedback.sqlite import SqliteFeedbackStore
from services.recommend.training.online_update import run_update
from services.recommend.training.update_settings import UpdateSettings


def main() -> None:
    store = SqliteFeedbackStore(Path(sys.argv[1]))

    def crash(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    store.finish_run = crash  # type: ignore[method-assign]
    run_update(store, UpdateSettings(epochs=2))


if __name__ == "__main__":
    main()
