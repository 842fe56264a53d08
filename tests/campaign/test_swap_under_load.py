"""The online update under load: the recommend service swaps to the new version with no failed request.

A recommend server polls its alias (``ADSERVE_MODEL_REFRESH_S``) while threads keep calling
``/recommend``; the update job runs as the operator would run it (``python -m scripts.cli recommend
update``) and moves the alias. Every answer must come from exactly one version:
recomputing it with that version's vectors gives the same items.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import bentoml
import httpx
import pytest

from services.core.aliases import read_local
from services.core.feedback.sqlite import SqliteFeedbackStore
from services.recommend.model import Recommender
from tests.campaign.conftest import RetailSplit
from tests.support.bento_server import PROJECT_ROOT, BentoServer

pytestmark = pytest.mark.e2e
NAME = "recommend-lightfm"


def test_swap_under_concurrent_load(
    base_env: dict[str, str], base_model: bentoml.Model, retail: RetailSplit, tmp_path: Path
) -> None:
    home, version = tmp_path / "home", base_model.tag.version or ""
    shutil.copytree(base_model.path, home / "models" / NAME / version)
    (home / "aliases" / NAME).mkdir(parents=True)
    (home / "aliases" / NAME / "production").write_text(version)
    feedback = tmp_path / "feedback"
    SqliteFeedbackStore(feedback / "events.sqlite3").append(retail.events())
    env = {
        **base_env,
        "BENTOML_HOME": str(home),
        "ADSERVE_RECOMMEND_MODEL": f"{NAME}:production",
        "ADSERVE_MODEL_REFRESH_S": "0.5",
        "ADSERVE_FEEDBACK_DIR": str(feedback),
        "ADSERVE_RECOMMEND_UPDATE_EPOCHS": "3",
    }
    base = Recommender.load(Path(base_model.path))
    newcomer = next(u for u in retail.after["user_id"] if u not in base.user_index)
    results: list[tuple[int, str, str, list[str], float]] = []
    stop = threading.Event()

    def load(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=srv.url, timeout=30) as client:
            while not stop.is_set():
                user = rng.choice(base.user_ids)
                try:
                    resp = client.post("/recommend", json={"requests": [{"user_id": user, "k": 5}]})
                    body = resp.json()[0] if resp.status_code == 200 else {}
                    items = [i["item_id"] for i in body.get("items", [])]
                    results.append((resp.status_code, body.get("model_version", ""), user, items, time.time()))
                except httpx.HTTPError as exc:
                    results.append((0, repr(exc), user, [], time.time()))

    with BentoServer("services.recommend.service:RecommendService", env) as srv:
        assert srv.client.post("/recommend", json={"requests": [{"user_id": newcomer, "k": 3}]}).status_code == 400
        threads = [threading.Thread(target=load, args=(s,)) for s in range(6)]
        for t in threads:
            t.start()
        job = subprocess.run(
            [sys.executable, "-m", "scripts.cli", "recommend", "update"],
            cwd=PROJECT_ROOT,
            env={**srv.env, "PYTHONUNBUFFERED": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert job.returncode == 0 and job.stdout.startswith("promote"), job.stdout + job.stderr
        alias = home / "aliases" / NAME / "production"
        record = read_local(alias)  # the alias document: current and previous
        assert record is not None
        new_version = record.current
        assert new_version != version
        deadline = time.monotonic() + 60
        while not any(r[1].endswith(new_version) for r in results[-50:]) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(30)
        after = srv.client.post("/recommend", json={"requests": [{"user_id": newcomer, "k": 3}]})
        assert after.status_code == 200 and after.json()[0]["model_version"].endswith(new_version)
        assert "swapped from" in srv.log_text()

    failures = [r for r in results if r[0] != 200]
    versions = {r[1] for r in results}
    swap_seconds = min(r[4] for r in results if r[1].endswith(new_version)) - alias.stat().st_mtime
    by_version = {v: sum(1 for r in results if r[1] == v) for v in versions}
    print(
        f"\nswap under load: {len(results)} requests from 6 threads, {len(failures)} failed; "
        f"answers per version {by_version}; new version served {swap_seconds:.1f} s after the job moved the alias"
    )
    assert not failures, failures[:3]
    assert versions == {f"{NAME}:{version}", f"{NAME}:{new_version}"}
    served = {v: Recommender.load(home / "models" / NAME / v) for v in (version, new_version)}
    for status, tag, user, items, _ in results[:: max(1, len(results) // 200)]:
        model = served[tag.split(":")[1]]
        expected = [r.item_id for r in model.recommend([user], [5], [True])[0]]
        assert status == 200 and items == expected, f"{tag} answer for {user} does not match that version"
