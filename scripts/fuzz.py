"""Fuzz a running service with schemathesis against its own OpenAPI schema.

    python -m scripts.fuzz --url http://127.0.0.1:3000 --api-key KEY --examples 2000

Checks: no server errors (5xx), responses conforming to the documented schemas and content
types. Prints schemathesis' report and a one-line summary; writes the full output under
``var/reports/fuzz/``. Exit status 1 on any failure. The test suite runs a smaller pass per
service through ``run_fuzz``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import typer

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")


@dataclass(frozen=True)
class FuzzResult:
    generated: int
    failures: int
    output: str
    returncode: int


def run_fuzz(
    url: str, api_key: str | None, examples: int, report: Path | None = None, seed: int | None = 1, workers: int = 1
) -> FuzzResult:
    """One schemathesis worker by default: with several, hypothesis describes strategies by parsing lambda
    sources from concurrent threads, and CPython 3.11's AST constructor is not thread-safe there
    ("AST constructor recursion depth mismatch", an error of the fuzzer, not of the service)."""
    cmd = [SCHEMATHESIS, "run", f"{url.rstrip('/')}/docs.json", "--checks", CHECKS, "-n", str(examples)]
    cmd += ["--workers", str(workers), "--no-color", "--suppress-health-check", "all", "--generation-database", "none"]
    cmd += ["--request-timeout", "120"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    if api_key:
        cmd += ["-H", f"Authorization: Bearer {api_key}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(output)
    generated = _count(r"(\d+) generated", output)
    failures = _count(r"found (\d+) unique failures", output) or _count(r"(\d+) failures? in", output)
    return FuzzResult(generated, failures, output, proc.returncode)


def _count(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else 0


def main(
    url: str = typer.Option(..., help="Base URL of a running service."),
    api_key: str | None = typer.Option(None, envvar="ADSERVE_FUZZ_API_KEY", help="API key, if the service has keys."),
    examples: int = typer.Option(2000, help="Maximum generated cases per operation."),
    name: str = typer.Option("service", help="Name for the report file."),
) -> None:
    result = run_fuzz(url, api_key, examples, Path("var/reports/fuzz") / f"{name}.txt", seed=None)
    print(result.output)
    print(f"{name}: {result.generated} cases generated, {result.failures} failures")
    raise typer.Exit(0 if result.returncode == 0 and result.failures == 0 else 1)


if __name__ == "__main__":
    typer.run(main)
