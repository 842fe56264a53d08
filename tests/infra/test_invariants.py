"""Platform invariants, asserted on the parsed HCL of infra/."""

from __future__ import annotations

import json
import re

from services.core.capabilities import get_catalog
from tests.infra.conftest import (
    ENVS,
    REPO,
    STACK,
    TfModule,
    as_list,
    generated_tfvars,
    load_module,
    module_named,
    one,
    root_dirs,
    strip_comments,
    walk,
)

ANYWHERE = ("0.0.0.0/0", "::/0")


def _service_call(stack: TfModule) -> dict:
    return stack.modules["service"]


# --------------------------------------------------------------------------------------------------
# Services: catalog, health checks, autoscaling, logs
# --------------------------------------------------------------------------------------------------


def test_catalog_deploys_every_capability_with_its_routes_models_and_gpu(catalog: dict, stack: TfModule) -> None:
    capabilities = get_catalog()
    assert sorted(catalog) == sorted(capabilities.names)
    paths = generated_tfvars()["capability_paths"]  # derived from the service classes
    for svc, cfg in catalog.items():
        cap = capabilities[svc]
        assert cfg["paths"] == paths[svc] and cfg["paths"], svc
        assert {m["env"]: m["name"] for m in cfg["models"]} == {m.env: m.name for m in cap.models}, svc
        assert cfg["dependencies"] == list(cap.depends_on), svc
        assert (cfg["gpu_count"] > 0) == cap.gpu, svc
    # The facts are read from the catalog file, not written a second time in HCL.
    assert 'yamldecode(file("${path.module}/../../services/catalog.yaml"))' in stack.locals["capability_catalog"]
    assert "var.capability_paths[svc]" in stack.locals["service_catalog"]
    assert set(stack.locals["service_sizing"]) == set(capabilities.names)
    for sizes in stack.locals["service_sizing"].values():
        assert not {"paths", "models", "dependencies", "gpu_count", "compute"} & set(sizes)


def test_capability_paths_are_generated_for_every_environment_and_never_committed() -> None:
    assert "capability_paths" in load_module(STACK).variables
    for env in sorted(p for p in ENVS.iterdir() if p.is_dir()):
        mod = load_module(env)
        assert "default" not in mod.variables["capability_paths"], f"{env.name}: a plan without the paths must fail"
        assert mod.modules["stack"]["capability_paths"] == "${var.capability_paths}", env.name
    assert "infra/envs/*/routes.auto.tfvars.json" in (REPO / ".gitignore").read_text().splitlines()
    deploy = (REPO / "scripts" / "deploy.sh").read_text()
    generate, plan = deploy.index("services.core.capabilities tfvars"), deploy.index('init "${init_args[@]}"')
    assert generate < plan, "deploy.sh generates the capability paths before terraform runs"


def test_every_service_is_instantiated_from_the_catalog(stack: TfModule) -> None:
    call = _service_call(stack)
    assert call["source"] == "../modules/ecs-service"
    assert call["for_each"] == "${local.deployed_services}"
    deployed = stack.locals["deployed_services"]
    assert "local.services" in deployed and "var.image_tags" in deployed
    assert "local.service_catalog" in stack.locals["services"]


def test_liveness_in_the_container_readiness_at_the_load_balancer(
    catalog: dict, stack: TfModule, service_module: TfModule
) -> None:
    call = _service_call(stack)
    # ECS replaces a task whose container check fails: liveness only, so a model still loading (or
    # retrying a failed first load with back-off) does not get its task killed.
    assert call["health_check_path"] == "/livez"
    assert call["health_check_start_period"] == "${each.value.health_check_start_period}"
    for svc, cfg in catalog.items():
        minimum = 600 if cfg["gpu_count"] > 0 else 300
        assert cfg["health_check_start_period"] >= minimum, f"{svc}: start period too short for the model pull"

    app = service_module.locals["app_container"]
    assert "healthCheck" in app and "startPeriod" in app and "local.container_start_period" in app
    assert "local.health_check_command" in app
    assert "${var.health_check_path}" in service_module.locals["health_check_command"]
    assert service_module.variables["health_check_path"]["default"] == "/livez"
    assert service_module.variables["container_port"]["default"] == 3000
    # ECS caps the container start period at 300 s; the service grace period covers the rest.
    assert "min(var.health_check_start_period, 300)" in service_module.locals["container_start_period"]
    svc = service_module.resources_of("aws_ecs_service")["this"]
    assert svc["health_check_grace_period_seconds"] == "${local.grace_period}"
    assert "var.health_check_start_period" in service_module.locals["grace_period"]

    # The ALB target groups check readiness: no traffic before the model is loaded.
    edge = module_named("edge")
    assert edge.variables["services"]["type"].count("/readyz") == 1
    assert "health_check_path" in json.dumps(edge.modules["alb"]["target_groups"])


def test_every_service_has_an_autoscaling_target_and_policies(service_module: TfModule) -> None:
    targets = service_module.resources_of("aws_appautoscaling_target")
    assert set(targets) == {"this"}
    target = targets["this"]
    assert "count" not in target and "for_each" not in target, "every service must get a scaling target"
    assert target["scalable_dimension"] == "ecs:service:DesiredCount"

    policies = service_module.resources_of("aws_appautoscaling_policy")
    requests = one(policies["requests"]["target_tracking_scaling_policy_configuration"])
    spec = one(requests["predefined_metric_specification"])
    assert spec["predefined_metric_type"] == "ALBRequestCountPerTarget"
    assert requests["target_value"] == "${local.requests_per_target_per_minute}"
    formula = service_module.locals["requests_per_target_per_minute"]
    assert "var.concurrency_per_replica" in formula and "var.mean_latency_seconds" in formula
    assert "oncurrency per replica" in service_module.variables["concurrency_per_replica"]["description"]

    cpu = one(policies["cpu"]["target_tracking_scaling_policy_configuration"])
    assert one(cpu["predefined_metric_specification"])["predefined_metric_type"] == "ECSServiceAverageCPUUtilization"
    assert "count" not in policies["requests"] and "count" not in policies["cpu"]


def test_every_service_logs_to_a_group_with_retention(service_module: TfModule, stack: TfModule) -> None:
    group = service_module.resources_of("aws_cloudwatch_log_group")["this"]
    assert "count" not in group
    assert group["retention_in_days"] == "${var.log_retention_days}"
    assert group["kms_key_id"] == "${var.log_kms_key_arn}"
    assert "aws_cloudwatch_log_group.this.name" in service_module.locals["app_container"]
    assert _service_call(stack)["log_retention_days"] == "${var.log_retention_days}"
    for path in root_dirs():
        mod = load_module(path)
        if "log_retention_days" in mod.variables:
            assert mod.variables["log_retention_days"]["default"] >= 365
    for mod in map(load_module, root_dirs()):
        for name, body in mod.resources_of("aws_cloudwatch_log_group").items():
            assert body.get("retention_in_days"), f"{mod.name}: log group {name} without retention"


def test_gpu_services_run_on_the_gpu_capacity_provider(
    catalog: dict, stack: TfModule, service_module: TfModule
) -> None:
    gpu = {svc for svc, cfg in catalog.items() if cfg["gpu_count"] > 0}
    assert gpu == {"creative"}
    for svc, cfg in catalog.items():
        assert cfg["compute"] == ("ec2" if svc in gpu else "fargate"), svc

    call = _service_call(stack)
    assert call["capacity_provider_strategy"] == (
        '${each.value.compute == "ec2" ? local.gpu_strategy : local.fargate_strategy}'
    )
    assert call["gpu_count"] == "${each.value.gpu_count}"
    assert "local.gpu_capacity_provider" in json.dumps(stack.locals["gpu_strategy"])
    assert "FARGATE" in json.dumps(stack.locals["fargate_strategy"])

    # The cluster gets an EC2 capacity provider of that name, backed by the GPU autoscaling group,
    # with managed scaling and managed termination protection.
    cluster_call = stack.modules["cluster"]
    providers = cluster_call["ec2_capacity_providers"]
    assert list(providers) == ["${(local.gpu_capacity_provider)}"]
    assert providers["${(local.gpu_capacity_provider)}"]["auto_scaling_group_arn"] == (
        "${module.gpu_capacity.autoscaling_group_arn}"
    )
    cluster_text = json.dumps(module_named("cluster").modules["ecs_cluster"]["autoscaling_capacity_providers"])
    assert 'managed_termination_protection = \\"ENABLED\\"' in cluster_text
    assert 'status = \\"ENABLED\\"' in cluster_text

    gpu_mod = module_named("gpu-capacity")
    asg = gpu_mod.resources_of("aws_autoscaling_group")["this"]
    assert asg["protect_from_scale_in"] is True
    assert {t["key"] for t in as_list(asg["tag"])} >= {"AmazonECSManaged"}
    assert "/gpu/" in gpu_mod.variables["ami_ssm_parameter"]["default"]
    assert gpu_mod.variables["instance_types"]["type"] == "${list(string)}"
    assert stack.modules["gpu_capacity"]["instance_types"] == "${var.gpu_instance_types}"
    assert "ECS_ENABLE_GPU_SUPPORT=true" in gpu_mod.locals["user_data"]

    # The task definition asks for GPUs through resourceRequirements and targets EC2.
    app = service_module.locals["app_container"]
    assert "resourceRequirements" in app and 'type = \\"GPU\\"' in json.dumps(app)
    taskdef = service_module.resources_of("aws_ecs_task_definition")["this"]
    assert taskdef["requires_compatibilities"] == ['${local.on_ec2 ? "EC2" : "FARGATE"}']


def test_gpu_service_scales_on_a_custom_in_flight_metric(catalog: dict, service_module: TfModule) -> None:
    assert catalog["creative"]["inflight_target_per_replica"] > 0
    assert all(cfg["inflight_target_per_replica"] is None for s, cfg in catalog.items() if s != "creative")
    policy = service_module.resources_of("aws_appautoscaling_policy")["inflight"]
    text = json.dumps(policy)
    assert "bentoml_service_request_in_progress" in text
    assert "customized_metric_specification" in text
    assert "bentoml_service_request_in_progress" in service_module.locals["cloudwatch_agent_config"]


def test_scale_to_zero_uses_step_scaling_on_alb_alarms(service_module: TfModule, stack: TfModule) -> None:
    target = service_module.resources_of("aws_appautoscaling_target")["this"]
    assert target["min_capacity"] == "${var.scale_to_zero ? 0 : var.min_capacity}"
    assert service_module.variables["scale_to_zero"]["default"] is False
    policies = service_module.resources_of("aws_appautoscaling_policy")
    alarms = service_module.resources_of("aws_cloudwatch_metric_alarm")
    for name in ("wake", "idle"):
        assert policies[name]["policy_type"] == "StepScaling"
        assert policies[name]["count"] == "${var.scale_to_zero ? 1 : 0}"
        assert alarms[name]["count"] == "${var.scale_to_zero ? 1 : 0}"
        assert "AWS/ApplicationELB" in json.dumps(alarms[name])
        assert f"aws_appautoscaling_policy.{name}[0].arn" in json.dumps(alarms[name]["alarm_actions"])
    for name, capacity in (("wake", 1), ("idle", 0)):
        config = one(policies[name]["step_scaling_policy_configuration"])
        assert config["adjustment_type"] == "ExactCapacity"
        assert one(config["step_adjustment"])["scaling_adjustment"] == capacity
    assert "var.scale_to_zero_idle_minutes" in json.dumps(alarms["idle"]["evaluation_periods"])
    assert _service_call(stack)["scale_to_zero"] == "${contains(var.scale_to_zero_services, each.key)}"
    assert load_module(ENVS / "dev").variables["scale_to_zero_services"]["default"] == ["creative"]
    assert load_module(ENVS / "prod").variables["scale_to_zero_services"]["default"] == []


# --------------------------------------------------------------------------------------------------
# Configuration and secrets
# --------------------------------------------------------------------------------------------------


def test_service_environment_points_at_the_model_store_and_aliases(stack: TfModule) -> None:
    env = stack.locals["service_environment"]
    assert "ADSERVE_MODEL_STORE = module.model_store.model_store_uri" in env
    assert "ADSERVE_S3_REGION" in env
    assert 'm.env => "${m.name}:${lookup(var.model_aliases, m.name, var.default_model_alias)}"' in env
    assert stack.variables["default_model_alias"]["default"] == "production"
    assert (
        "s3://${module.bucket.s3_bucket_id}/models" in module_named("model-store").outputs["model_store_uri"]["value"]
    )


def test_api_keys_and_hmac_key_come_from_ssm_never_plain_env(stack: TfModule, service_module: TfModule) -> None:
    call = _service_call(stack)
    assert call["secrets"] == {
        "ADSERVE_API_KEYS": "${module.secrets.api_keys_parameter_arn}",
        "ADSERVE_PII_HMAC_KEY": "${module.secrets.pii_hmac_key_parameter_arn}",
    }
    for path in root_dirs():
        mod = load_module(path)
        text = strip_comments(mod.text)
        for secret in ("ADSERVE_API_KEYS", "ADSERVE_PII_HMAC_KEY"):
            # as a map key (environment/secrets maps) it must be bound to the SSM parameter ...
            for match in re.finditer(rf"\b{secret}\s*=\s*(.*)", text):
                assert match.group(1).startswith("module.secrets."), f"{mod.name}: {secret} = {match.group(1)}"
            # ... and never appear as a container environment entry
            assert not re.search(rf'name\s*=\s*"{secret}"', text), f"{mod.name}: {secret} as a plain env entry"
    assert "environment" not in json.dumps(call["secrets"])
    app = service_module.locals["app_container"]
    assert "valueFrom = var.secrets[k]" in app

    secrets = module_named("secrets").resources_of("aws_ssm_parameter")
    assert {p["type"] for p in secrets.values()} == {"SecureString"}
    assert all(p["key_id"] == "${var.kms_key_arn}" for p in secrets.values())


def test_campaign_reaches_its_dependencies_through_service_connect(
    catalog: dict, evaluated: dict, stack: TfModule, service_module: TfModule
) -> None:
    dependencies = list(get_catalog()["campaign"].depends_on)
    assert catalog["campaign"]["dependencies"] == dependencies and "recommend" in dependencies
    assert catalog["campaign"]["feedback"] is True
    assert evaluated["service_class_names"] == {n: c.class_name for n, c in get_catalog().capabilities.items()}
    assert evaluated["service_class_names"]["recommend"] == "RecommendService"
    env = stack.locals["service_environment"]
    assert "BENTOML_RUNNER_MAP" in env and '"http://${dep}:3000"' in env
    assert '"ADSERVE_${upper(svc)}_${upper(dep)}_URL"' in env
    assert "ADSERVE_FEEDBACK_S3_URI" in env and "ADSERVE_FEEDBACK_DIR" not in env
    for svc in dependencies:
        assert catalog[svc]["service_connect_server"] is True, svc

    svc = service_module.resources_of("aws_ecs_service")["this"]
    sc = one(svc["service_connect_configuration"])
    assert sc["enabled"] is True and sc["namespace"] == "${var.service_connect_namespace_arn}"
    dumped = json.dumps(sc)
    assert "client_alias" in dumped and "${var.name}" in dumped
    assert "aws_service_discovery_http_namespace" in module_named("cluster").text


# --------------------------------------------------------------------------------------------------
# IAM least privilege
# --------------------------------------------------------------------------------------------------


def _statements(doc: dict) -> list[dict]:
    out = [s for s in as_list(doc.get("statement"))]
    for dyn in as_list(doc.get("dynamic")):
        for body in dyn.values():
            out.extend(as_list(body.get("content")))
    return out


def test_task_role_reads_only_its_own_model_prefixes(service_module: TfModule) -> None:
    doc = service_module.data[("aws_iam_policy_document", "task")]
    statements = {s["sid"]: s for s in _statements(doc)}
    read = statements["ReadOwnModels"]
    assert read["actions"] == ["s3:GetObject", "s3:GetObjectVersion"]
    assert read["resources"] == "${local.model_object_arns}"
    assert service_module.locals["model_object_arns"] == (
        '${[for m in var.model_names : "${var.model_bucket_arn}/models/${m}/*"]}'
    )
    listing = statements["ListOwnModelPrefixes"]
    assert one(listing["condition"])["variable"] == "s3:prefix"
    decrypt = statements["UseModelStoreKeyThroughS3"]
    assert decrypt["resources"] == ["${var.model_kms_key_arn}"]
    assert one(decrypt["condition"])["variable"] == "kms:ViaService"
    feedback = statements["WriteFeedbackEvents"]
    assert feedback["actions"] == ["s3:PutObject"]
    assert feedback["resources"] == ["${var.model_bucket_arn}/${var.feedback_s3_prefix}*"]

    stack = load_module(STACK)
    call = stack.modules["service"]
    assert call["model_names"] == "${[for m in each.value.models : m.name]}"
    assert call["feedback_s3_prefix"] == '${each.value.feedback ? "feedback/" : null}'


def test_only_recommend_keeps_the_catalog_log_and_only_under_its_prefix(
    catalog: dict, stack: TfModule, service_module: TfModule
) -> None:
    assert {svc for svc, cfg in catalog.items() if cfg["catalog_log"]} == {"recommend"}
    statements = {s["sid"]: s for s in _statements(service_module.data[("aws_iam_policy_document", "task")])}
    rw = statements["ReadWriteCatalogLog"]
    assert rw["actions"] == ["s3:GetObject", "s3:PutObject"]
    assert rw["resources"] == ["${var.model_bucket_arn}/${var.catalog_log_s3_prefix}*"]
    listing = statements["ListCatalogLog"]
    assert one(listing["condition"])["variable"] == "s3:prefix"
    assert (
        stack.modules["service"]["catalog_log_s3_prefix"] == '${each.value.catalog_log ? "catalog-additions/" : null}'
    )
    env = stack.locals["service_environment"]
    assert 'ADSERVE_RECOMMEND_CATALOG_LOG = "s3://${local.model_bucket_name}/catalog-additions"' in env


def test_execution_role_gets_only_ecr_pull_logs_and_its_secrets(service_module: TfModule) -> None:
    doc = service_module.data[("aws_iam_policy_document", "execution")]
    statements = {s["sid"]: s for s in _statements(doc)}
    assert set(statements) == {
        "EcrLogin",
        "EcrPullOwnRepository",
        "WriteOwnLogs",
        "ReadOwnSecrets",
        "DecryptSecretsThroughSsm",
        "ReadOwnSecretsManagerSecrets",
        "DecryptSecretsThroughSecretsManager",
    }
    assert statements["EcrLogin"]["actions"] == ["ecr:GetAuthorizationToken"]
    assert statements["EcrPullOwnRepository"]["resources"] == ["${var.ecr_repository_arn}"]
    assert statements["WriteOwnLogs"]["resources"] == ["${aws_cloudwatch_log_group.this.arn}:*"]
    assert statements["ReadOwnSecrets"]["actions"] == ["ssm:GetParameters"]
    assert "values(var.secrets)" in statements["ReadOwnSecrets"]["resources"]


def test_no_policy_grants_wildcard_actions_or_unexpected_wildcard_resources() -> None:
    allowed_star = {"ecr:GetAuthorizationToken", "ssmmessages:CreateControlChannel", "logs:DescribeLogGroups"}
    for mod in map(load_module, root_dirs()):
        for (dtype, name), doc in mod.data.items():
            if dtype != "aws_iam_policy_document":
                continue
            for st in _statements(doc):
                actions = as_list(st.get("actions"))
                assert not any(a == "*" or a.endswith(":*") for a in actions), f"{mod.name}/{name}: {actions}"
                if "*" in as_list(st.get("resources")):
                    assert set(actions) & allowed_star, f"{mod.name}/{name}: '*' resource for {actions}"


# --------------------------------------------------------------------------------------------------
# Network and edge
# --------------------------------------------------------------------------------------------------


def _is_anywhere(value: object) -> bool:
    return any(isinstance(v, str) and any(a in v for a in ANYWHERE) for v in walk(value))


def _open_rules(mod: TfModule) -> list[tuple[str, str, object, object]]:
    """(direction, rule name, from_port, to_port) of every rule open to the whole internet."""
    found = []
    for name, sg in mod.resources_of("aws_security_group").items():
        for direction in ("ingress", "egress"):
            for rule in as_list(sg.get(direction)):
                if _is_anywhere(rule.get("cidr_blocks")) or _is_anywhere(rule.get("ipv6_cidr_blocks")):
                    found.append((direction, f"aws_security_group.{name}", rule.get("from_port"), rule.get("to_port")))
    for name, rule in mod.resources_of("aws_security_group_rule").items():
        if _is_anywhere(rule.get("cidr_blocks")) or _is_anywhere(rule.get("ipv6_cidr_blocks")):
            found.append((rule["type"], f"aws_security_group_rule.{name}", rule.get("from_port"), rule.get("to_port")))
    for rtype, direction in (
        ("aws_vpc_security_group_ingress_rule", "ingress"),
        ("aws_vpc_security_group_egress_rule", "egress"),
    ):
        for name, rule in mod.resources_of(rtype).items():
            if _is_anywhere(rule.get("cidr_ipv4")) or _is_anywhere(rule.get("cidr_ipv6")):
                found.append((direction, f"{rtype}.{name}", rule.get("from_port"), rule.get("to_port")))
    return found


def test_only_the_alb_accepts_traffic_from_anywhere_and_only_on_80_and_443() -> None:
    for mod in map(load_module, root_dirs()):
        for direction, name, from_port, to_port in _open_rules(mod):
            assert direction == "egress", f"{mod.name}: {name} accepts ingress from anywhere"
            assert from_port == to_port == 443, f"{mod.name}: {name} allows egress to anywhere beyond HTTPS"
        # Module inputs and variable defaults: an "anywhere" CIDR may only feed the ALB.
        for call_name, call in mod.modules.items():
            if _is_anywhere({k: v for k, v in call.items()}):
                raise AssertionError(f"{mod.name}: module {call_name} receives an anywhere CIDR literal")
        for var_name, spec in mod.variables.items():
            if _is_anywhere(spec.get("default")):
                assert var_name in {"ingress_cidr_blocks", "alb_ingress_cidr_blocks"}, f"{mod.name}: {var_name}"

    edge = module_named("edge")
    ingress = edge.modules["alb"]["security_group_ingress_rules"]
    assert "var.ingress_cidr_blocks" in ingress
    assert set(re.findall(r"from_port = (\d+)", ingress)) == {"80", "443"}
    assert set(re.findall(r"to_port = (\d+)", ingress)) == {"80", "443"}
    egress = edge.modules["alb"]["security_group_egress_rules"]
    assert egress["services"]["cidr_ipv4"] == "${var.vpc_cidr_block}"
    assert egress["services"]["from_port"] == "${var.target_port}"

    # Where the "anywhere" default flows: stack/env alb_ingress_cidr_blocks -> edge ingress_cidr_blocks.
    stack = load_module(STACK)
    assert stack.modules["edge"]["ingress_cidr_blocks"] == "${var.alb_ingress_cidr_blocks}"
    for path in root_dirs():
        for call in load_module(path).modules.values():
            for arg, value in call.items():
                if isinstance(value, str) and "alb_ingress_cidr_blocks" in value:
                    assert arg in {"ingress_cidr_blocks", "alb_ingress_cidr_blocks"}


def test_tasks_accept_port_3000_only_from_named_security_groups(service_module: TfModule, stack: TfModule) -> None:
    ingress = service_module.resources_of("aws_vpc_security_group_ingress_rule")
    assert set(ingress) == {"app"}
    rule = ingress["app"]
    assert rule["referenced_security_group_id"] == "${each.value}"
    assert "cidr_ipv4" not in rule
    assert set(_service_call(stack)["ingress_security_group_ids"]) == {"alb", "service-clients"}
    network = one(service_module.resources_of("aws_ecs_service")["this"]["network_configuration"])
    assert network["assign_public_ip"] is False
    assert _service_call(stack)["subnet_ids"] == "${module.network.private_subnet_ids}"


def test_network_is_optional_and_has_endpoints() -> None:
    net = module_named("network")
    assert net.modules["vpc"]["create_vpc"] == "${var.create_vpc}"
    for name in ("vpc_id", "private_subnet_ids", "public_subnet_ids"):
        assert name in net.variables
    endpoints = net.modules["endpoints"]["endpoints"]
    assert 's3 = {service = "s3", service_type = "Gateway"' in endpoints
    assert "private_dns_enabled = true" in endpoints
    assert {"ecr.api", "ecr.dkr", "logs"} <= set(net.variables["interface_endpoint_services"]["default"])


def test_alb_terminates_tls_with_a_modern_policy_and_redirects_http() -> None:
    edge = module_named("edge")
    listeners = edge.modules["alb"]["listeners"]
    https = listeners["https"]
    assert https["protocol"] == "HTTPS" and https["port"] == 443
    assert https["certificate_arn"] == "${var.certificate_arn}"
    assert https["ssl_policy"] == "${var.ssl_policy}"
    assert edge.variables["ssl_policy"]["default"].startswith("ELBSecurityPolicy-TLS13")
    redirect = listeners["http-redirect"]
    assert redirect["port"] == 80
    assert redirect["redirect"] == {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}
    assert "path_pattern" in https["rules"]
    assert "chunklist(var.services[svc].paths, 5)" in edge.locals["path_rules"]
    assert "aws_wafv2_web_acl" in {t for t, _ in edge.resources}
    assert edge.modules["alb"]["desync_mitigation_mode"] == "strictest"
    assert edge.modules["alb"]["drop_invalid_header_fields"] is True
    assert edge.variables["enable_waf"]["default"] is False


# --------------------------------------------------------------------------------------------------
# Storage and registry
# --------------------------------------------------------------------------------------------------


def test_model_bucket_is_encrypted_versioned_private_and_tls_only() -> None:
    store = module_named("model-store")
    bucket = store.modules["bucket"]
    assert bucket["source"] == "terraform-aws-modules/s3-bucket/aws"
    sse = bucket["server_side_encryption_configuration"]["rule"]["apply_server_side_encryption_by_default"]
    assert sse["sse_algorithm"] == "aws:kms"
    assert sse["kms_master_key_id"] == "${aws_kms_key.this.arn}"
    assert bucket["versioning"] == {"enabled": True}
    for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert bucket[flag] is True, flag
    assert bucket["attach_deny_insecure_transport_policy"] is True
    assert bucket["logging"]["target_bucket"] == "${var.access_log_bucket_id}"

    rules = {r["id"]: r for r in bucket["lifecycle_rule"]}
    assert "noncurrent_version_expiration" in rules["model-noncurrent-versions"]
    assert any("abort_incomplete_multipart_upload_days" in r for r in rules.values())

    key = store.resources_of("aws_kms_key")["this"]
    assert key["enable_key_rotation"] is True

    for name in ("platform-key", "model-store"):
        for body in module_named(name).resources_of("aws_kms_key").values():
            assert body["enable_key_rotation"] is True
            policy = body["policy"]
            assert 'AWS = "*"' not in policy and 'Principal = "*"' not in policy, "no wildcard principal"
            assert ':root"}' in policy, "key administered by the account"


def test_access_log_bucket_is_private_and_tls_only() -> None:
    bucket = module_named("log-archive").modules["bucket"]
    for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert bucket[flag] is True
    assert bucket["attach_deny_insecure_transport_policy"] is True
    assert bucket["versioning"] == {"enabled": True}


def test_one_immutable_scanned_repository_per_bento_with_lifecycle(stack: TfModule) -> None:
    ecr = module_named("ecr")
    repo = ecr.resources_of("aws_ecr_repository")["this"]
    assert repo["image_tag_mutability"] == "IMMUTABLE"
    assert one(repo["image_scanning_configuration"])["scan_on_push"] is True
    assert one(repo["encryption_configuration"])["encryption_type"] == "KMS"
    lifecycle = ecr.resources_of("aws_ecr_lifecycle_policy")["this"]
    assert lifecycle["for_each"] == "${aws_ecr_repository.this}"
    assert stack.modules["ecr"]["repository_names"] == "${keys(local.service_catalog)}"


def test_secrets_are_encrypted_and_values_are_not_managed_after_creation() -> None:
    params = module_named("secrets").resources_of("aws_ssm_parameter")
    assert set(params) == {"api_keys", "pii_hmac_key"}
    for body in params.values():
        assert "value" in json.dumps(one(body["lifecycle"])["ignore_changes"])


# --------------------------------------------------------------------------------------------------
# Feedback store: Aurora PostgreSQL instead of a shared SQLite file on EFS
# --------------------------------------------------------------------------------------------------


def test_feedback_store_is_an_encrypted_private_postgres_with_backups_and_a_dsn_secret(stack: TfModule) -> None:
    store = module_named("feedback-store")
    cluster = store.resources_of("aws_rds_cluster")["this"]
    assert cluster["engine"] == "aurora-postgresql" and cluster["storage_encrypted"] is True
    assert cluster["kms_key_id"] == "${var.kms_key_arn}"
    assert one(cluster["serverlessv2_scaling_configuration"])["min_capacity"] == "${var.min_capacity_acu}"
    assert cluster["backup_retention_period"] == "${var.backup_retention_days}"
    assert cluster["skip_final_snapshot"] is False and cluster["deletion_protection"] == "${var.deletion_protection}"
    assert store.resources_of("aws_backup_selection")["this"]["resources"] == ["${aws_rds_cluster.this.arn}"]
    instance = store.resources_of("aws_rds_cluster_instance")["this"]
    assert instance["instance_class"] == "db.serverless" and instance["publicly_accessible"] is False
    params = {
        p["name"]: p["value"]
        for p in as_list(store.resources_of("aws_rds_cluster_parameter_group")["this"]["parameter"])
    }
    assert params["rds.force_ssl"] == "1"
    secret = store.resources_of("aws_secretsmanager_secret")["dsn"]
    assert secret["kms_key_id"] == "${var.kms_key_arn}"
    assert "sslmode=require" in json.dumps(store.resources_of("aws_secretsmanager_secret_version")["dsn"])
    assert not any(t.startswith("aws_efs") for t, _ in store.resources)

    call = stack.modules["feedback_store"]
    assert call["subnet_ids"] == "${module.network.private_subnet_ids}"
    service = stack.modules["service"]
    assert "ADSERVE_FEEDBACK_DSN" in service["secrets_manager_secrets"]
    assert "module.feedback_store.dsn_secret_arn" in service["secrets_manager_secrets"]
    assert "efs_volume" not in service
