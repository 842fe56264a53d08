"""Data pipelines that turn raw interactions into the cleaned, pseudonymized tables training reads."""
