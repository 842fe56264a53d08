"""``python -m scripts.cli data …``: validate and ingest a catalog, users, interactions and reviews.

Exit codes: 0 valid / ingested; 1 invalid data (the report lists every problem, nothing is
written); 2 a bad mapping file or an unreadable source.
"""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="Bring your own data: validate and ingest data sets mapped onto the contract.", no_args_is_help=True
)


def _reports(name: str) -> Path:
    from services.core.settings import get_settings

    return get_settings().var_dir / "reports" / "data" / name


def _load(mapping: Path):  # type: ignore[no-untyped-def]
    from services.data.mapping import MappingError, load_mapping

    try:
        return load_mapping(mapping)
    except MappingError as exc:
        typer.echo(f"bad mapping: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def validate(
    mapping: Path = typer.Option(..., "--mapping", "-m", help="The mapping file (YAML)."),
    report: Path | None = typer.Option(None, help="Where to write the JSON report (default var/reports/data/<name>/)."),
) -> None:
    """Check every mapped table against the contract; print the report table and write it as JSON."""
    from services.data.ingest import converted_dir, run_conversion
    from services.data.mapping import MappingError
    from services.data.readers import SourceError
    from services.data.validation import validate as run_validation

    spec = _load(mapping)
    try:
        converted = run_conversion(spec, _data_dir(), converted_dir(spec)) if spec.convert else None
        result = run_validation(spec, data_dir=_data_dir(), converted=converted)
    except (MappingError, SourceError) as exc:
        typer.echo(f"cannot read: {exc}", err=True)
        raise typer.Exit(2) from None
    out = report or _reports(spec.name) / "validation.json"
    result.report.write(out)
    typer.echo(result.report.table())
    typer.echo(f"report: {out}")
    raise typer.Exit(0 if result.report.ok else 1)


def _data_dir() -> Path:
    from services.core.settings import get_settings

    return get_settings().data_dir


def _ingest(mapping_file: Path, out: Path) -> Path:
    from services.data.ingest import InvalidDataError, ingest
    from services.data.mapping import MappingError
    from services.data.readers import SourceError

    spec = _load(mapping_file)
    try:
        folder, cleaning, _ = ingest(spec, out, mapping_file=mapping_file)
    except (MappingError, SourceError) as exc:
        typer.echo(f"cannot read: {exc}", err=True)
        raise typer.Exit(2) from None
    except InvalidDataError as exc:
        path = _reports(spec.name) / "validation.json"
        exc.report.write(path)
        typer.echo(exc.report.table(), err=True)
        typer.echo(f"report: {path}", err=True)
        raise typer.Exit(1) from None
    typer.echo(cleaning.table())
    typer.echo(f"ingested {spec.name} into {folder}")
    return folder


@app.command()
def ingest(
    mapping: Path = typer.Option(..., "--mapping", "-m", help="The mapping file (YAML)."),
    out: Path = typer.Option(..., "--out", "-o", help="The data set folder to write."),
) -> None:
    """Validate, clean and pseudonymize into a data set folder (Parquet + cleaning report + manifest)."""
    _ingest(mapping, out)


@app.command()
def adapters() -> None:
    """List the shipped data sets (each a mapping file, ``data prepare NAME`` ingests one)."""
    from services.data.adapters import adapter_path, list_adapters
    from services.data.mapping import load_mapping

    for name in list_adapters():
        spec = load_mapping(adapter_path(name))
        typer.echo(f"{name:<36}{', '.join(spec.tables):<36}{spec.description}")


def default_dataset_dir(name: str) -> Path:
    from services.core.settings import get_settings

    return get_settings().var_dir / "data" / name


@app.command()
def prepare(
    name: str = typer.Argument(..., help="A shipped adapter (see `data adapters`)."),
    out: Path | None = typer.Option(None, help="Default: var/data/<name>."),
    force: bool = typer.Option(False, help="Ingest again even when the folder exists."),
) -> None:
    """Ingest a shipped data set through its adapter (skipped when already ingested)."""
    from services.data.adapters import adapter_path

    try:
        mapping_file = adapter_path(name)
    except LookupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    folder = out or default_dataset_dir(name)
    if (folder / "manifest.json").exists() and not force:
        typer.echo(f"{name}: already ingested in {folder}")
        return
    _ingest(mapping_file, folder)
