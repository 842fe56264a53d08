"""The Spark job ships to EMR Serverless as plain files: pyspark and the standard library only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JOB_MODULES = ("contract", "pseudonym", "cleaning", "keywords", "features", "manifest", "job", "entry")


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
    """The job's copies of project constants (it cannot import them on EMR) equal the pandas path's,
    and it reads the mapping file as the pandas path does (columns, events, cleaning options)."""
    from services.core.privacy import PSEUDONYM_PREFIX
    from services.core.settings import KEY_FINGERPRINT_MESSAGE, MIN_HMAC_KEY_BYTES
    from services.data import cleaning as contract_cleaning
    from services.data.spark import cleaning, features, job, pseudonym, runner
    from services.data.spark.contract import InteractionsMapping
    from services.recommend import features as pandas_features

    mapping = runner.lake_mapping()
    options, spec = mapping.cleaning, mapping.tables["interactions"]
    job_mapping = InteractionsMapping.from_mapping(mapping.model_dump(mode="json"))
    assert job_mapping.columns == spec.columns and job_mapping.attributes == spec.attributes
    assert job_mapping.event_patterns == tuple((p.column, p.pattern, p.value) for p in spec.event_patterns)
    assert job_mapping.item_id_regex == f"^(?:{options.item_id_pattern})"
    excluded = contract_cleaning._excluded(options.excluded_title_words)
    assert excluded is not None and job_mapping.excluded_words_regex == "(?iU)" + excluded.pattern
    assert job_mapping.price_outlier_factor == options.price_outlier_factor
    assert (job_mapping.upper_case_ids, job_mapping.upper_case_titles) == (
        options.upper_case_ids,
        options.upper_case_titles,
    )
    assert cleaning.RULES == contract_cleaning.RULES
    assert cleaning.DUPLICATE_KEY == contract_cleaning.DUPLICATE_KEY
    # one list of title stop words (a job module, standard library only) for both paths
    assert len(features.STOP_WORDS) == len(set(features.STOP_WORDS))
    assert set(features.STOP_WORDS) == pandas_features.STOP_WORDS
    assert pseudonym.PSEUDONYM_PREFIX == PSEUDONYM_PREFIX
    assert (job.KEY_FINGERPRINT_MESSAGE, job.MIN_KEY_BYTES) == (KEY_FINGERPRINT_MESSAGE, MIN_HMAC_KEY_BYTES)


def test_strptime_formats_become_spark_patterns() -> None:
    from services.data.spark.contract import java_time_format

    assert java_time_format("%Y-%m-%d %H:%M:%S") == "yyyy-MM-dd HH:mm:ss"
    assert java_time_format("%d/%m/%Y %H:%M") == "dd/MM/yyyy HH:mm"
    assert java_time_format("%Y-%m-%dT%H:%M:%S") == "yyyy-MM-dd'T'HH:mm:ss"


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
    assert "adserve_spark.zip: 10 files" in out
    assert "+ aws s3 cp services/data/spark/entry.py s3://adserve-dev-lake/jobs/" in out
    assert "+ aws emr-serverless start-job-run --application-id 00abc" in out
    assert '"--lake", "s3://adserve-dev-lake/lake"' in out and "--py-files s3://adserve-dev-lake/jobs/" in out
    assert "mapping online-retail-ii:" in out and '"--mapping", "s3://adserve-dev-lake/jobs/' in out
    assert "+ aws s3 cp " in out and "/mapping.json s3://adserve-dev-lake/jobs/" in out
