"""Adversarial timings of every pattern that scans user text, at the longest allowed text.

``python -m scripts.bench.patterns [--length 4000] [--timeout 10] [--out FILE.json]`` times each
scanner (each PII pattern, each claims pattern, each term matcher, the whole guard, scrubbing,
sentence splitting) on every input of ``scripts.bench.adversarial``, keeps the slowest input per
scanner, prints a table and writes JSON. Each measurement runs in a worker process that is killed
after ``--timeout`` seconds, so a backtracking pattern shows as "> timeout" instead of hanging the
run. The scanners are discovered from the code, so the same script measures old and new revisions.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.bench.adversarial import adversarial_inputs

Scanner = Callable[[str], object]
SHOES = {"brand": "Nike", "category": ["Footwear", "Shoes", "Sports Shoes"], "colour": "Black", "gender": "Men"}


def scanners() -> dict[str, Scanner]:
    """Name -> function running one pattern (or one whole check) over a text."""
    from services.core import privacy
    from services.text import compliance, pii, sentences
    from services.text.lexicon_claims import ALL_CLAIMS

    out: dict[str, Scanner] = {}
    for name, pattern in privacy.PII_PATTERNS.items():
        out[f"pii:{name}"] = lambda t, p=pattern: list(p.finditer(t))
    for name, pattern in getattr(pii, "_EXTRA", {}).items():
        out[f"pii:{name}"] = lambda t, p=pattern: list(p.finditer(t))
    for index, claim in enumerate(ALL_CLAIMS):
        out[f"claim:{index:02d}"] = lambda t, p=claim.pattern: list(p.finditer(t))
    for name, matcher in compliance._matchers().items():
        out[f"terms:{name}"] = matcher.find
    out["guard:check_text"] = compliance.check_text
    out["guard:check_text+attributes"] = lambda t: compliance.check_text(t, SHOES)
    out["pii:scrub (reviews)"] = pii.scrub
    out["pii:scrub_pii (feedback)"] = privacy.scrub_pii
    out["sentences:split"] = sentences.split_sentences
    return out


def _worker(jobs: Any, results: Any) -> None:
    table = scanners()
    for name, text in iter(jobs.get, None):
        start = time.perf_counter()
        table[name](text)
        results.put(time.perf_counter() - start)


class Timer:
    """One worker process; a measurement past the timeout kills it and a new one is started."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._ctx = mp.get_context("fork")
        self._start()

    def _start(self) -> None:
        self.jobs = self._ctx.Queue()
        self.results = self._ctx.Queue()
        self.proc = self._ctx.Process(target=_worker, args=(self.jobs, self.results), daemon=True)
        self.proc.start()

    def time(self, name: str, text: str) -> float | None:
        self.jobs.put((name, text))
        try:
            return float(self.results.get(timeout=self.timeout_s))
        except Exception:  # queue.Empty: the pattern is still running
            self.proc.kill()
            self.proc.join()
            self._start()
            return None

    def close(self) -> None:
        self.jobs.put(None)
        self.proc.join(timeout=5)


def _revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def measure(length: int, timeout_s: float, only: str | None = None) -> dict[str, Any]:
    inputs = adversarial_inputs(length)
    names = [n for n in scanners() if only is None or only in n]
    timer = Timer(timeout_s)
    rows: list[dict[str, Any]] = []
    try:
        for name in names:
            worst: tuple[float, str] = (0.0, "")
            timed_out: list[str] = []
            for input_name, text in inputs.items():
                elapsed = timer.time(name, text)
                if elapsed is None:
                    timed_out.append(input_name)
                elif elapsed > worst[0]:
                    worst = (elapsed, input_name)
            rows.append(
                {
                    "scanner": name,
                    "worst_ms": None if timed_out else round(worst[0] * 1000, 2),
                    "worst_input": timed_out[0] if timed_out else worst[1],
                    "timed_out_inputs": timed_out,
                }
            )
            shown = f"> {timeout_s * 1000:.0f}" if timed_out else f"{worst[0] * 1000:.2f}"
            print(f"{name:34s} {shown:>10s} ms  {rows[-1]['worst_input']}", flush=True)
    finally:
        timer.close()
    return {
        "revision": _revision(),
        "length": length,
        "timeout_s": timeout_s,
        "inputs": len(inputs),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=4000, help="characters per input (the longest allowed text)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a measurement is abandoned")
    parser.add_argument("--only", default=None, help="only scanners whose name contains this")
    parser.add_argument("--out", type=Path, default=Path("var/reports/bench/patterns.json"))
    args = parser.parse_args()
    print(f"{'scanner':34s} {'worst':>10s}     slowest input (length {args.length})")
    result = measure(args.length, args.timeout, args.only)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
