# The services this stack deploys: facts from the capability catalog
# (services/catalog.yaml: default models, dependencies, GPU or not, BentoML class),
# the paths of each capability (var.capability_paths, generated from the service
# classes) and the deployment defaults below. main.tf reads local.service_catalog.

locals {
  capability_catalog = yamldecode(file("${path.module}/../../services/catalog.yaml")).capabilities

  # The platform's catalog of deployed services: facts from the capability catalog,
  # sizes from service_sizing.
  #   compute  fargate | ec2 (GPU capacity provider), from the capability's gpu flag
  service_catalog = {
    for svc, cap in local.capability_catalog : svc => merge(local.service_sizing[svc], {
      compute      = cap.gpu ? "ec2" : "fargate"
      gpu_count    = cap.gpu ? 1 : 0
      paths        = var.capability_paths[svc]
      models       = [for m in cap.models : { env = "ADSERVE_${upper(m.setting)}", name = m.name }]
      dependencies = cap.depends_on
    })
  }

  # BentoML dependency clients look up their URL by service class name.
  service_class_names = { for svc, cap in local.capability_catalog : svc => split(":", cap.service)[1] }

  # The capability catalog (services/catalog.yaml) holds the facts of the services:
  # default models, dependencies, GPU or not, BentoML class. Terraform adds
  # deployment defaults per capability that service_overrides can change:
  #   concurrency_per_replica     load-tested concurrency one task sustains
  #   mean_latency_seconds        mean latency at that concurrency
  #   catalog_log                 keeps the catalog-additions log under catalog-additions/ in
  #                               the model-store bucket (the recommend service's /catalog_items)
  #   inflight_target_per_replica in-flight requests per task for the custom
  #                               metric policy (null = no custom metric)
  service_sizing = {
    recommend = {
      cpu                         = 1024
      memory                      = 4096
      ephemeral_storage_gib       = 30
      health_check_start_period   = 300
      feedback                    = false
      catalog_log                 = true
      service_connect_server      = true
      desired_count               = 1
      min_capacity                = 1
      max_capacity                = 6
      concurrency_per_replica     = 32
      mean_latency_seconds        = 0.05
      cpu_target_utilization      = 60
      inflight_target_per_replica = null
    }

    text = {
      cpu                         = 4096
      memory                      = 16384
      ephemeral_storage_gib       = 60
      health_check_start_period   = 300
      feedback                    = false
      catalog_log                 = false
      service_connect_server      = true
      desired_count               = 1
      min_capacity                = 1
      max_capacity                = 6
      concurrency_per_replica     = 4
      mean_latency_seconds        = 2
      cpu_target_utilization      = 60
      inflight_target_per_replica = null
    }

    vision = {
      cpu                         = 2048
      memory                      = 8192
      ephemeral_storage_gib       = 40
      health_check_start_period   = 300
      feedback                    = false
      catalog_log                 = false
      service_connect_server      = true
      desired_count               = 1
      min_capacity                = 1
      max_capacity                = 6
      concurrency_per_replica     = 8
      mean_latency_seconds        = 0.3
      cpu_target_utilization      = 60
      inflight_target_per_replica = null
    }

    creative = {
      cpu                         = 3584
      memory                      = 14336
      ephemeral_storage_gib       = 0
      health_check_start_period   = 600
      feedback                    = false
      catalog_log                 = false
      service_connect_server      = true
      desired_count               = 1
      min_capacity                = 1
      max_capacity                = 4
      concurrency_per_replica     = 2
      mean_latency_seconds        = 8
      cpu_target_utilization      = 70
      inflight_target_per_replica = 2
    }

    campaign = {
      cpu                         = 1024
      memory                      = 2048
      ephemeral_storage_gib       = 21
      health_check_start_period   = 300
      feedback                    = true
      catalog_log                 = false
      service_connect_server      = false
      desired_count               = 1
      min_capacity                = 1
      max_capacity                = 4
      concurrency_per_replica     = 4
      mean_latency_seconds        = 10
      cpu_target_utilization      = 60
      inflight_target_per_replica = null
    }
  }
}
