"""Model-store commands shared by all capabilities: publish, pull, alias, list."""

from __future__ import annotations

import logging

import typer

from services.core.artifact_store import AliasConflictError, ArtifactStore
from services.core.model_ref import ModelRef

app = typer.Typer(help="Publish models to the S3 model store and pull them back.", no_args_is_help=True)


@app.command()
def publish(
    ref: str, alias: str | None = typer.Option(None, help="Move this alias (production, staging) to it.")
) -> None:
    """Export a local model (name:version|alias) and upload it with its SHA-256 manifest."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        art = ArtifactStore().publish(ref, alias=alias)
    except AliasConflictError as exc:
        typer.echo(f"published, but the alias was not moved: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"published {art.name}:{art.version} -> {art.uri} sha256={art.sha256} alias={art.alias}")


@app.command()
def pull(ref: str, force: bool = typer.Option(False, help="Re-download even when present locally.")) -> None:
    """Resolve name:alias|version in S3, download, verify the checksum and import."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    model = ArtifactStore().pull(ref, force=force)
    typer.echo(f"pulled {model.tag} into {model.path}")


@app.command()
def alias(name: str, alias: str, version: str) -> None:
    """Point an alias at a published version (roll forward or back); refused if it moves meanwhile."""
    try:
        record = ArtifactStore().set_alias(name, alias, version)
    except (AliasConflictError, LookupError, ValueError) as exc:
        typer.echo(f"alias not moved: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{name}:{alias} -> {record.current} (previous {record.previous}, revision {record.revision})")


@app.command("list")
def list_versions(name: str) -> None:
    """Versions of a model published in the S3 store, oldest first."""
    for version in ArtifactStore().list_remote_versions(ModelRef.parse(name).name):
        typer.echo(version)
