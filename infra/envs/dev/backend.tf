# Remote state in S3 with native S3 locking (Terraform >= 1.10 writes a
# <key>.tflock object next to the state; no DynamoDB table needed).
# Partial configuration: bucket, key and region come from backend.hcl, e.g.
#   cp backend.hcl.example backend.hcl && terraform init -backend-config=backend.hcl
# See infra/README.md ("Remote state") for creating the state bucket.
terraform {
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}
