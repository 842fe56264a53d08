"""``python -m scripts.bench``: the benchmark command line."""

from scripts.bench.cli import app

if __name__ == "__main__":
    app()
