"""The Spark job ships to EMR Serverless as plain files: pyspark and the standard library only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JOB_MODULES = ("schema", "pseudonym", "cleaning", "features", "manifest", "job", "entry")


def test_job_modules_import_only_pyspark_and_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"pyspark", "services"}
    for name in JOB_MODULES:
        tree = ast.parse((REPO / "services" / "data" / "spark" / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:  # relative: another job module
                assert node.module in JOB_MODULES, f"{name}.py imports .{node.module}"
            elif isinstance(node, ast.ImportFrom | ast.Import):
                modules = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                for module in modules:
                    assert module and module.split(".")[0] in allowed, f"{name}.py imports {module}"
                    if module.startswith("services"):
                        assert module == "services.data.spark.job", f"{name}.py imports {module}"


def test_same_constants_as_the_pandas_path() -> None:
    from services.core.privacy import PSEUDONYM_PREFIX
    from services.core.settings import KEY_FINGERPRINT_MESSAGE, MIN_HMAC_KEY_BYTES
    from services.data.spark import cleaning, features, job, pseudonym, schema
    from services.recommend import features as pandas_features
    from services.recommend.training import cleaning as pandas_cleaning
    from services.recommend.training.data import COLUMNS

    assert list(schema.REQUIRED_COLUMNS) == COLUMNS
    assert set(features.STOP_WORDS) == pandas_features.STOP_WORDS
    assert pseudonym.PSEUDONYM_PREFIX == PSEUDONYM_PREFIX
    assert (job.KEY_FINGERPRINT_MESSAGE, job.MIN_KEY_BYTES) == (KEY_FINGERPRINT_MESSAGE, MIN_HMAC_KEY_BYTES)
    assert pandas_cleaning.PRODUCT_CODE.pattern == cleaning.PRODUCT_CODE
    assert cleaning.EXCLUDED_WORDS.removeprefix("(?iU)") == pandas_cleaning.EXCLUDED_WORDS.pattern


def test_submit_spark_dry_run_packages_the_job_and_starts_a_run(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            "bash",
            "scripts/submit_spark.sh",
            "--dry-run",
            "--application-id",
            "00abc",
            "--role-arn",
            "arn:aws:iam::123456789012:role/adserve-dev-data-lake-job",
            "--bucket",
            "adserve-dev-lake",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "adserve_spark.zip: 9 files" in out
    assert "+ aws s3 cp services/data/spark/entry.py s3://adserve-dev-lake/jobs/" in out
    assert "+ aws emr-serverless start-job-run --application-id 00abc" in out
    assert '"--lake", "s3://adserve-dev-lake/lake"' in out and "--py-files s3://adserve-dev-lake/jobs/" in out
