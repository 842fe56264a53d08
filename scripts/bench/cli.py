"""``python -m scripts.bench``: run the benchmark sweep, the catalog-scale benchmark, or re-render a
report. Nothing heavy is imported at module level: the model store location (``BENTOML_HOME``) is
decided by the command before BentoML is imported.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import typer

from .registry import DEFAULT_ENDPOINTS, ENDPOINTS, PROJECT_ROOT, QUICK_ENDPOINTS, EndpointSpec, by_service, select
from .schemas import CatalogResult

app = typer.Typer(help="Throughput, latency and batching benchmarks of the adserve services.", no_args_is_help=True)
log = logging.getLogger("scripts.bench")
REPORTS = PROJECT_ROOT / "var" / "reports" / "bench"
DOCS = PROJECT_ROOT / "docs" / "benchmarks"


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _shown(path: str) -> str:
    """A path relative to the repository when it is inside it (reports do not name the machine's folders)."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return path


def _csv_ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _run_dir(out: Path | None, quick: bool) -> Path:
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        return out
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = REPORTS / (stamp + ("-quick" if quick else ""))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _prepare_env(models_home: Path | None, quick: bool, run_dir: Path) -> dict[str, str]:
    """Point this process and every server at one model store; returns the servers' base env."""
    if models_home is None:
        models_home = run_dir / "bentoml" if quick else Path(os.environ.get("BENTOML_HOME", PROJECT_ROOT / ".bentoml"))
    os.environ["BENTOML_HOME"] = str(models_home.resolve())
    if quick and "ADSERVE_VAR_DIR" not in os.environ:
        os.environ["ADSERVE_VAR_DIR"] = str(run_dir / "var")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
    env = {k: v for k, v in os.environ.items() if k not in ("ADSERVE_BATCHING", "ADSERVE_BATCHING_APIS")}
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _build_quick_models(services: list[str], run_dir: Path) -> None:
    from services.core.settings import get_settings

    from . import quick_models
    from .registry import SERVICES

    data_dir = get_settings().data_dir
    builders = list(dict.fromkeys(b for name in services for b in SERVICES[name].quick_models))
    for builder in builders:
        started = time.perf_counter()
        tag = getattr(quick_models, builder)(data_dir, run_dir)
        log.info("quick model %s built in %.1fs", tag, time.perf_counter() - started)


def _run_catalog_subprocess(
    sizes: list[int],
    queries: int,
    ef_search: list[int],
    threads: int,
    run_dir: Path,
    env: dict[str, str],
    cache_dir: Path | None = None,
) -> tuple[CatalogResult | None, str | None]:
    out = run_dir / "catalog.json"
    cmd = [sys.executable, "-m", "scripts.bench.catalog", "--sizes", ",".join(map(str, sizes))]
    cmd += ["--queries", str(queries), "--ef-search", ",".join(map(str, ef_search)), "--threads", str(threads)]
    cmd += ["--out", str(out)] + (["--cache-dir", str(cache_dir)] if cache_dir else [])
    env = {
        **env,
        "OMP_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    tail: list[str] = []
    with subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:  # progress as it happens
            tail = [*tail[-14:], line.rstrip()]
            if " catalog " in line:
                log.info("%s", line.rstrip().split(" INFO ", 1)[-1])
        code = proc.wait()
    if code != 0:
        return None, "catalog scale failed:\n" + "\n".join(tail)
    return CatalogResult.model_validate_json(out.read_text()), None


def write_outputs(report_json: Path, publish: bool) -> None:
    """bench.md and the PNGs next to the JSON; with ``publish`` also copied into docs/benchmarks/."""
    from . import plots, tables
    from .schemas import BenchReport

    report = BenchReport.model_validate_json(report_json.read_text())
    folder = report_json.parent
    (folder / "bench.md").write_text(tables.render(report))
    figures = plots.write_all(report, folder)
    log.info("report: %s (%d figures)", folder / "bench.md", len(figures))
    if publish:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(report_json, DOCS / "bench.json")
        shutil.copyfile(folder / "bench.md", DOCS / "latest.md")
        for fig in figures:
            shutil.copyfile(fig, DOCS / fig.name)
        log.info("published to %s", DOCS)


@app.command()
def run(
    quick: bool = typer.Option(False, "--quick", help="Tiny models, 2 levels, short points: a smoke test (< 2 min)."),
    endpoints: str | None = typer.Option(
        None, help=f"Comma-separated endpoint keys or 'all' (default {','.join(DEFAULT_ENDPOINTS)})."
    ),
    levels: str | None = typer.Option(None, help="Concurrency levels (default 1,8,32,64,128; quick 1,8)."),
    seconds: float | None = typer.Option(None, help="Measured seconds per point (default 8; quick 1.5)."),
    warmup: float | None = typer.Option(None, help="Warm-up seconds before each point (default 2; quick 0.5)."),
    overload_seconds: float | None = typer.Option(None, help="Overload duration (default 10; quick 1.5; 0 = skip)."),
    items_per_request: int = typer.Option(1, min=1, help="Items in each request's list."),
    threads: int | None = typer.Option(None, help="OMP/torch threads of servers and ceiling (default: library's)."),
    timeout: float = typer.Option(30.0, help="Client timeout per request, seconds."),
    image_side: int = typer.Option(28, help="Side of vision payload images (28 = the data set's PNGs)."),
    url: str | None = typer.Option(None, help="Measure an already running server on 127.0.0.1 instead."),
    models_home: Path | None = typer.Option(None, help="BENTOML_HOME (default: .bentoml; quick: a private one)."),
    catalog: bool = typer.Option(True, "--catalog/--no-catalog", help="Also run the catalog-scale benchmark."),
    catalog_sizes: str | None = typer.Option(None, help="Catalog sizes (default 10000,100000,1000000; quick 10000)."),
    noop: bool = typer.Option(True, "--noop/--no-noop", help="Measure the /noop HTTP floor at every level."),
    variant: list[str] = typer.Option(
        [],
        help="Serve BentoML with a proposed change applied (see variants.py, e.g. gc-freeze, threads=N); repeatable.",
    ),
    out: Path | None = typer.Option(None, help="Report folder (default var/reports/bench/<time>)."),
    publish: bool = typer.Option(False, "--publish", help="Copy JSON, table and figures into docs/benchmarks/."),
) -> None:
    """Concurrency sweep (batched, unbatched, naive, no-op), offline ceiling, overload, catalog scale."""
    _setup_logging()
    from .loadgen import loopback_url
    from .variants import parse as parse_variants

    try:  # fail now, not after models are built
        url = loopback_url(url) if url is not None else None
        parse_variants(variant)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    run_dir = _run_dir(out, quick)
    base_env = _prepare_env(models_home, quick, run_dir)

    from .machine import load_avg, machine_info
    from .payloads.context import PayloadContext
    from .ratios import all_ratios
    from .schemas import BenchReport, RunConfig
    from .sweep import SweepPlan, bench_service

    keys = endpoints.split(",") if endpoints else list(QUICK_ENDPOINTS if quick else DEFAULT_ENDPOINTS)
    chosen = select([k.strip() for k in keys])
    missing = [e.key for e in chosen if not e.service.available()]
    chosen = [e for e in chosen if e.service.available()]
    cfg = RunConfig(
        quick=quick,
        levels=_csv_ints(levels) if levels else ([1, 8] if quick else [1, 8, 32, 64, 128]),
        seconds=seconds if seconds is not None else (1.5 if quick else 8.0),
        warmup_s=warmup if warmup is not None else (0.5 if quick else 2.0),
        overload_s=overload_seconds if overload_seconds is not None else (1.5 if quick else 10.0),
        items_per_request=items_per_request,
        threads=threads,
        timeout_s=timeout,
        endpoints=[e.key for e in chosen],
        model_store=os.environ.get("ADSERVE_MODEL_STORE", "local")
        + f" (BENTOML_HOME={_shown(os.environ['BENTOML_HOME'])})",
        url=url,
        variants=variant,
    )
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = load_avg()
    log.info("benchmark run in %s; load average %s; endpoints %s", run_dir, load_start, cfg.endpoints)
    errors = [f"{key}: services/{key.split('.')[0]}/service.py does not exist yet" for key in missing]
    groups = by_service(chosen)
    if quick and url is None:
        _build_quick_models(list(groups), run_dir)
    from services.core.settings import get_settings

    settings = get_settings()
    api_keys = settings.api_key_list()
    plan = SweepPlan(
        cfg=cfg,
        base_env=base_env,
        work_dir=run_dir,
        ctx=PayloadContext(settings.data_dir, image_side=image_side),
        pool_size=64 if quick else 256,
        api_key=api_keys[0] if api_keys else None,
        noop=noop,
    )
    results = []
    for name, specs in groups.items():
        log.info("== %s: %s", name, ", ".join(s.path for s in specs))
        found, errs = bench_service(specs[0].service, specs, plan)
        results += found
        errors += errs
    catalog_result = None
    if catalog:
        sizes = _csv_ints(catalog_sizes) if catalog_sizes else ([10_000] if quick else [10_000, 100_000, 1_000_000])
        efs = [64, 256] if quick else [64, 128, 256, 512, 1024, 2048]
        log.info("== catalog scale: %s items", sizes)
        cache = None if quick else PROJECT_ROOT / "var" / "cache" / "bench"
        catalog_result, err = _run_catalog_subprocess(sizes, 50 if quick else 200, efs, 1, run_dir, base_env, cache)
        if err:
            errors.append(err)
            log.error("%s", err)
    report = BenchReport(
        started_at=started_at,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        command="python -m scripts.bench " + " ".join(sys.argv[1:]),
        config=cfg,
        machine=machine_info(),
        load_avg_start=load_start,
        load_avg_end=load_avg(),
        endpoints=results,
        ratios=all_ratios(results, cfg.levels),
        catalog=catalog_result,
        errors=errors,
    )
    report_json = run_dir / "bench.json"
    report_json.write_text(report.model_dump_json(indent=1))
    write_outputs(report_json, publish)
    typer.echo(f"results: {report_json}")
    for ratio in report.ratios:
        verdict = "" if ratio.met is None else ("  [met]" if ratio.met else "  [MISSED]")
        typer.echo(f"  {ratio.endpoint:34s} {ratio.name:28s} {ratio.value}{verdict}")


@app.command("catalog")
def catalog_command(
    sizes: str = typer.Option("10000,100000,1000000", help="Catalog sizes."),
    queries: int = typer.Option(200, help="Queries per size."),
    ef_search: str = typer.Option("64,128,256,512,1024,2048", help="HNSW efSearch values."),
    threads: int = typer.Option(1, help="Search threads."),
    models_home: Path | None = typer.Option(None, help="BENTOML_HOME holding the recommend model (default .bentoml)."),
    out: Path | None = typer.Option(None, help="Report folder."),
) -> None:
    """Only the catalog-scale benchmark (exact numpy top-10 against HNSW)."""
    _setup_logging()
    run_dir = _run_dir(out, False)
    env = _prepare_env(models_home, False, run_dir)
    cache = PROJECT_ROOT / "var" / "cache" / "bench"
    result, err = _run_catalog_subprocess(_csv_ints(sizes), queries, _csv_ints(ef_search), threads, run_dir, env, cache)
    if err:
        typer.echo(err, err=True)
        raise typer.Exit(1)
    from . import plots, tables

    assert result is not None
    (run_dir / "catalog.md").write_text(tables.catalog_table(result) + "\n")
    plots.catalog_figure(result, run_dir)
    typer.echo(f"results: {run_dir / 'catalog.json'}")


@app.command()
def report(
    path: Path = typer.Argument(..., help="A bench.json written by `run`."),
    publish: bool = typer.Option(False, "--publish", help="Copy into docs/benchmarks/."),
) -> None:
    """Re-render the Markdown table and figures of a run (and optionally publish them)."""
    _setup_logging()
    write_outputs(path, publish)


def _bodies(spec_key: str, quick: bool, run_dir: Path) -> tuple[EndpointSpec, list[bytes]]:
    """The endpoint and 256 encoded request bodies (building tiny models first with ``quick``)."""
    from services.core.settings import get_settings

    from .payloads.context import PayloadContext
    from .registry import endpoint as find_endpoint
    from .sweep import encode

    spec = find_endpoint(spec_key)
    if quick:
        _build_quick_models([spec.service.name], run_dir)
    return spec, encode(spec.payload(PayloadContext(get_settings().data_dir), 256))


@app.command()
def profile(
    endpoint: str = typer.Option("recommend.recommend", help="Endpoint key to load."),
    concurrency: int = typer.Option(32, help="Concurrent clients."),
    seconds: float = typer.Option(15.0, help="Profiled seconds of load."),
    batching: bool = typer.Option(True, "--batching/--no-batching", help="Adaptive batching on or off."),
    quick: bool = typer.Option(False, "--quick", help="Use a tiny model in a private store."),
    threads: int | None = typer.Option(None, help="OMP/torch threads of the server."),
    models_home: Path | None = typer.Option(None, help="BENTOML_HOME (default .bentoml)."),
    out: Path | None = typer.Option(None, help="Report folder."),
    top: int = typer.Option(30, help="Rows of the printed table."),
    variant: list[str] = typer.Option([], help="Proposed serving change to apply (see variants.py); repeatable."),
    noop: bool = typer.Option(False, "--noop", help="Load the service's /noop route instead (the HTTP floor)."),
) -> None:
    """Profile the event loop of one BentoML worker (cProfile) under load: where per-request time goes."""
    _setup_logging()
    run_dir = _run_dir(out, quick)
    base_env = _prepare_env(models_home, quick, run_dir)
    from .diagnostics import ServerSetup, profile_worker

    spec, bodies = _bodies(endpoint, quick, run_dir)
    setup = ServerSetup(base_env, batching, threads, tuple(variant))
    path = "/noop" if noop else spec.path
    result = profile_worker(
        spec,
        setup,
        [b"{}"] if noop else bodies,
        run_dir,
        path=path,
        concurrency=concurrency,
        seconds=seconds,
        top=top,
    )
    typer.echo(result.text)
    typer.echo(f"{result.req_s:.1f} req/s while profiled; profile: {result.profile}; table: {result.table}")


@app.command()
def recovery(
    endpoint: str = typer.Option("recommend.recommend", help="Endpoint key."),
    burst: int = typer.Option(64, help="Concurrency of the burst."),
    burst_seconds: float = typer.Option(10.0, help="Length of the burst."),
    probe_seconds: float = typer.Option(5.0, help="Length of each single-client probe."),
    idle_seconds: str = typer.Option("0,30,60", help="Idle pauses before the probes after the burst."),
    batching: bool = typer.Option(True, "--batching/--no-batching", help="Adaptive batching on or off."),
    quick: bool = typer.Option(False, "--quick", help="Use a tiny model in a private store."),
    models_home: Path | None = typer.Option(None, help="BENTOML_HOME (default .bentoml)."),
    variant: list[str] = typer.Option([], help="Serving variant to apply (see variants.py); repeatable."),
    out: Path | None = typer.Option(None, help="Report folder."),
) -> None:
    """Single-client latency before a burst and after it (right away and after idle pauses):
    shows how long BentoML's batch dispatcher keeps the queue wait it learnt under load."""
    _setup_logging()
    run_dir = _run_dir(out, quick)
    base_env = _prepare_env(models_home, quick, run_dir)
    from .diagnostics import ServerSetup, dispatcher_recovery

    spec, bodies = _bodies(endpoint, quick, run_dir)
    rows = dispatcher_recovery(
        spec,
        ServerSetup(base_env, batching, None, tuple(variant)),
        bodies,
        run_dir,
        burst=burst,
        burst_seconds=burst_seconds,
        probe_seconds=probe_seconds,
        idle_seconds=_csv_ints(idle_seconds),
    )
    path = run_dir / f"recovery-{endpoint}.json"
    path.write_text(json.dumps(rows, indent=1))
    typer.echo(f"results: {path}")


@app.command("models")
def models_command(
    models_home: Path = typer.Option(..., help="BENTOML_HOME to build into (not the shared default store)."),
) -> None:
    """Serving-size models trained briefly (default architectures and catalogue sizes) for a benchmark run."""
    _setup_logging()
    os.environ["BENTOML_HOME"] = str(models_home.resolve())
    from services.core.settings import get_settings

    from . import quick_models

    for builder in (quick_models.build_recommend_full_size, quick_models.build_vision_full_size):
        started = time.perf_counter()
        tag = builder(get_settings().data_dir, models_home)
        log.info("model %s built in %.1fs", tag, time.perf_counter() - started)


@app.command("gpu-table")
def gpu_table_command() -> None:
    """Render docs/benchmarks/gpu/*.json (from scripts/gpu_check.sh) into docs/benchmarks.md."""
    from . import gpu_table

    if not gpu_table.update_doc():
        typer.echo(f"no {gpu_table.BEGIN} … {gpu_table.END} markers in {gpu_table.DOC}", err=True)
        raise typer.Exit(1)
    typer.echo(gpu_table.render())


@app.command("list")
def list_endpoints() -> None:
    """Registered endpoints and whether their service exists in this checkout."""
    for spec in ENDPOINTS:
        state = "available" if spec.service.available() else "not written yet"
        kind = "batched" if spec.batchable else "single"
        typer.echo(f"{spec.key:36s} {spec.path:26s} {kind:8s} {state}")
    typer.echo(json.dumps({"default": list(DEFAULT_ENDPOINTS), "quick": list(QUICK_ENDPOINTS)}))
