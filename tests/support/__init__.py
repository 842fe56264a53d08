"""Test harness shared by every capability: real `bentoml serve` processes and a real S3 server."""
