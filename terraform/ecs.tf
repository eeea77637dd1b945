# Folio on ECS Fargate: one image, five roles picked by the entry point's subcommand.
#   web      gunicorn behind the load balancer (alb.tf), autoscaled (autoscaling.tf)
#   events   daphne: the live events (/ws/*, /api/analytics/events), long-lived connections
#            kept off gunicorn's threads; the load balancer routes those paths to it (alb.tf)
#   worker   Celery worker, autoscaled
#   beat     Celery beat: exactly one, never two (a second would queue every sync twice)
#   migrate  a task definition only, run as a one-off task before a release (README.md)

locals {
  web_port = 8000
  # The image's WORKDIR is /app and Django's VAR_DIR is /app/var (beat's schedule file,
  # the API request log); the root filesystem is read-only, so that folder is a volume.
  app_var_dir = "/app/var"
  upload_dir  = "/srv/folio/uploads"

  # The data services' addresses, also printed by outputs.tf for hosts outside ECS.
  database_url      = "postgres://${var.db_username}@${aws_db_instance.this.address}:${aws_db_instance.this.port}/${var.db_name}?sslmode=require"
  redis_url         = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${aws_elasticache_replication_group.this.port}/0"
  celery_broker_url = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${aws_elasticache_replication_group.this.port}/1?ssl_cert_reqs=CERT_REQUIRED"
  lake_url          = "s3://${aws_s3_bucket.lake.id}/${var.lake_prefix}"
  warehouse_url = format(
    "redshift://%s@%s:%d/%s",
    var.redshift_admin_username,
    aws_redshiftserverless_workgroup.this.endpoint[0].address,
    aws_redshiftserverless_workgroup.this.endpoint[0].port,
    var.redshift_db_name,
  )

  # Every variable config/settings/base.py and production.py read, set for production
  # (terraform/tests/test_terraform.py checks none is missing). Values equal to the
  # settings' defaults are written out anyway, so this map is the whole production
  # configuration in one place; var.app_environment overrides any of them.
  settings_environment = {
    DJANGO_SETTINGS_MODULE = "config.settings.production"
    DJANGO_DEBUG           = "false"
    # The HTTPS listener forwards only domain_names (alb.tf) and Django checks them again;
    # the load balancer's health checks carry the task's IP as Host, which the probe
    # paths (/healthz, /readyz, /metrics) accept and every other path refuses.
    DJANGO_ALLOWED_HOSTS        = join(",", var.domain_names)
    DJANGO_CSRF_TRUSTED_ORIGINS = join(",", [for domain in var.domain_names : "https://${domain}"])
    # The load balancer redirects HTTP to HTTPS; its health checks are plain HTTP and
    # must not be redirected.
    DJANGO_SECURE_SSL_REDIRECT            = "false"
    DJANGO_SECURE_HSTS_SECONDS            = "31536000"
    DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS = "false"
    DJANGO_SECURE_HSTS_PRELOAD            = "false"
    # The client address is the last X-Forwarded-For entry, the one the ALB appends.
    NUM_PROXIES = "1"

    DATABASE_URL          = local.database_url # no password: libpq reads PGPASSWORD
    DATABASE_CONN_MAX_AGE = "60"
    REDIS_URL             = local.redis_url
    REDIS_CONNECT_TIMEOUT = "0.2"
    REDIS_TIMEOUT         = "0.2"
    CELERY_BROKER_URL     = local.celery_broker_url
    LAKE_URL              = local.lake_url
    AWS_REGION            = var.region
    WAREHOUSE_URL         = local.warehouse_url # no password: WAREHOUSE_PASSWORD
    REDSHIFT_IAM_ROLE     = aws_iam_role.redshift_copy.arn

    SYNC_INTERVAL_SECONDS     = "45"
    SYNC_ON_WRITE             = "true"
    SYNC_MIN_INTERVAL_SECONDS = "60" # Redshift: each load has a cost
    EXPORT_LOOKBACK_SECONDS   = "300"

    LOG_LEVEL  = "INFO"
    LOG_FORMAT = "json" # one JSON object per line, as CloudWatch Logs Insights reads them
    TIME_ZONE  = "UTC"

    API_THROTTLE_RATE            = "1200/min"
    API_CACHE_SECONDS            = "86400"
    API_QUERY_TIMEOUT_SECONDS    = "15"
    API_EXPORT_MAX_ROWS          = "100000"
    API_EXPORT_THROTTLE_COST     = "10"
    API_TOKEN_DEFAULT_DAYS       = "90"
    API_TOKEN_MAX_DAYS           = "365"
    API_LOG_PATH                 = "${local.app_var_dir}/log/api.jsonl"
    LOGIN_FAILURES_PER_ACCOUNT   = "5"
    LOGIN_FAILURES_PER_ADDRESS   = "20"
    LOGIN_FAILURE_WINDOW_SECONDS = "900"

    IMPORT_UPLOAD_DIR   = local.upload_dir
    IMPORT_MAX_BYTES    = "536870912"
    IMPORT_REJECTS_DAYS = "7"

    FOLIO_EARLIEST_DATE     = "1900-01-01"
    FOLIO_LATEST_DAYS_AHEAD = "366"
  }
  app_environment = merge(local.settings_environment, var.app_environment)

  # Injected by ECS from Secrets Manager when a task starts: never in the task definition,
  # the environment map or Terraform output. "<arn>:<json-key>::" picks one JSON key.
  app_secrets = {
    DJANGO_SECRET_KEY  = aws_secretsmanager_secret.django_secret_key.arn
    PGPASSWORD         = "${aws_secretsmanager_secret.database.arn}:password::"
    WAREHOUSE_PASSWORD = "${aws_secretsmanager_secret.redshift.arn}:password::"
    METRICS_TOKEN      = aws_secretsmanager_secret.metrics_token.arn
  }

  web_environment = {
    PORT             = tostring(local.web_port)
    WEB_CONCURRENCY  = tostring(var.web_concurrency)
    GUNICORN_THREADS = tostring(var.gunicorn_threads)
  }

  roles = {
    web     = { environment = local.web_environment, uploads = true, stop_timeout = 30 }
    events  = { environment = { PORT = tostring(local.web_port) }, uploads = false, stop_timeout = 30 }
    worker  = { environment = {}, uploads = true, stop_timeout = 120 } # let a running sync finish
    beat    = { environment = {}, uploads = false, stop_timeout = 30 }
    migrate = { environment = {}, uploads = false, stop_timeout = 30 }
  }
}

# --- Network access -----------------------------------------------------------

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Folio ECS tasks: web port from the load balancer only; out to the data stores and AWS APIs."
  vpc_id      = local.vpc_id

  tags = {
    Name = "${local.name}-app"
  }
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.app.id
  description                  = "gunicorn from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.web_port
  to_port                      = local.web_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "app_to_stores" {
  for_each = {
    postgres = { port = 5432, security_group_id = aws_security_group.rds.id }
    redis    = { port = 6379, security_group_id = aws_security_group.redis.id }
    redshift = { port = 5439, security_group_id = aws_security_group.redshift.id }
    uploads  = { port = 2049, security_group_id = aws_security_group.efs.id }
  }

  security_group_id            = aws_security_group.app.id
  description                  = "To ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id
}

# ECR, S3, Secrets Manager, CloudWatch Logs and STS: AWS's public HTTPS endpoints.
resource "aws_vpc_security_group_egress_rule" "app_to_aws_apis" {
  security_group_id = aws_security_group.app.id
  description       = "HTTPS to AWS APIs (ECR, S3, Secrets Manager, CloudWatch, STS)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# --- Roles --------------------------------------------------------------------
# The task role is the app role from iam.tf (lake and secrets). The execution role is what
# ECS itself uses to start a task: pull the image, write logs, resolve `secrets`.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${local.name}-ecs-execution"
  description        = "ECS starts Folio tasks with it: image pull, logs, secrets."
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution_secrets" {
  statement {
    sid       = "ReadTaskSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.app_secret_arns
  }

  statement {
    sid       = "DecryptTaskSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.app.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "execution_secrets" {
  name   = "task-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution_secrets.json
}

data "aws_iam_policy_document" "app_uploads" {
  statement {
    sid = "MountUploads"
    actions = [
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
    ]
    resources = [aws_efs_file_system.uploads.arn]

    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.uploads.arn]
    }
  }
}

resource "aws_iam_role_policy" "app_uploads" {
  name   = "uploads-mount"
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app_uploads.json
}

# --- Logs ---------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "app" {
  for_each = local.roles

  name              = "/folio/${local.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.app.arn
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/folio/${local.name}/ecs-exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.app.arn
}

# --- Cluster, task definitions, services --------------------------------------

resource "aws_ecs_cluster" "this" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  # `aws ecs execute-command` sessions (when a service enables them) are encrypted and logged.
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.app.arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_ecs_task_definition" "app" {
  for_each = local.roles

  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_sizes[each.key].cpu
  memory                   = var.task_sizes[each.key].memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.app.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # Scratch space on the task's ephemeral storage: the root filesystem is read-only.
  volume {
    name = "tmp"
  }

  volume {
    name = "var"
  }

  dynamic "volume" {
    for_each = each.value.uploads ? ["uploads"] : []

    content {
      name = volume.value

      efs_volume_configuration {
        file_system_id     = aws_efs_file_system.uploads.id
        transit_encryption = "ENABLED"

        authorization_config {
          access_point_id = aws_efs_access_point.uploads.id
          iam             = "ENABLED"
        }
      }
    }
  }

  # Everything a task started from these definitions needs in order to start and to reach
  # its stores, so that a targeted apply of the migrate definition (README.md: first
  # deploy, releases) brings all of it along.
  depends_on = [
    aws_route_table_association.private,
    aws_nat_gateway.this,
    aws_vpc_endpoint.s3,
    aws_vpc_security_group_egress_rule.app_to_stores,
    aws_vpc_security_group_egress_rule.app_to_aws_apis,
    aws_vpc_security_group_ingress_rule.rds_from_app,
    aws_vpc_security_group_ingress_rule.redis_from_app,
    aws_vpc_security_group_ingress_rule.redshift_from_app,
    aws_vpc_security_group_ingress_rule.efs_from_app,
    aws_efs_mount_target.uploads,
    aws_efs_file_system_policy.uploads,
    aws_iam_role_policy_attachment.execution,
    aws_iam_role_policy_attachment.app,
    aws_iam_role_policy.execution_secrets,
    aws_iam_role_policy.app_uploads,
    aws_secretsmanager_secret_version.django_secret_key,
    aws_secretsmanager_secret_version.database,
    aws_secretsmanager_secret_version.redshift,
    aws_secretsmanager_secret_version.metrics_token,
  ]

  container_definitions = jsonencode([
    {
      name      = "folio"
      image     = "${aws_ecr_repository.app.repository_url}:${var.image_tag}"
      essential = true
      command   = [each.key] # the entry point's subcommand
      user      = "10001:10001"

      readonlyRootFilesystem = true
      privileged             = false
      stopTimeout            = each.value.stop_timeout
      linuxParameters        = { initProcessEnabled = true }

      portMappings = contains(keys(local.target_groups), each.key) ? [{ containerPort = local.web_port, protocol = "tcp" }] : []

      environment = [
        for name, value in merge(local.app_environment, each.value.environment) : { name = name, value = value }
      ]
      secrets = [
        for name, value_from in local.app_secrets : { name = name, valueFrom = value_from }
      ]

      mountPoints = concat(
        [
          { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
          { sourceVolume = "var", containerPath = local.app_var_dir, readOnly = false },
        ],
        each.value.uploads ? [{ sourceVolume = "uploads", containerPath = local.upload_dir, readOnly = false }] : [],
      )

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app[each.key].name
          awslogs-region        = var.region
          awslogs-stream-prefix = each.key
        }
      }
    }
  ])
}

locals {
  services = {
    web = {
      desired_count = var.web_scaling.min_count
      max_percent   = 200
      min_healthy   = 100
    }
    # Not autoscaled: its load is open connections, not CPU; a publish reaches every task
    # through Redis pub/sub, so any count works (events_count).
    events = {
      desired_count = var.events_count
      max_percent   = 200
      min_healthy   = 100
    }
    worker = {
      desired_count = var.worker_scaling.min_count
      max_percent   = 200
      min_healthy   = 100
    }
    # Stop the old beat before starting the new one: never two schedulers at once.
    beat = {
      desired_count = 1
      max_percent   = 100
      min_healthy   = 0
    }
  }
}

resource "aws_ecs_service" "app" {
  for_each = local.services

  name             = each.key
  cluster          = aws_ecs_cluster.this.id
  task_definition  = aws_ecs_task_definition.app[each.key].arn
  desired_count    = each.value.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_maximum_percent         = each.value.max_percent
  deployment_minimum_healthy_percent = each.value.min_healthy

  # A release whose tasks never get healthy rolls back to the previous task definition.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = local.private_subnet_ids
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = contains(keys(local.target_groups), each.key) ? [local.target_groups[each.key]] : []

    content {
      target_group_arn = load_balancer.value
      container_name   = "folio"
      container_port   = local.web_port
    }
  }

  health_check_grace_period_seconds = contains(keys(local.target_groups), each.key) ? 60 : null

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"

  lifecycle {
    # The autoscaler owns the running count of web and worker once they exist.
    ignore_changes = [desired_count]
  }

  # The target groups must be attached to a listener before a service can register in them.
  depends_on = [aws_lb_listener_rule.web, aws_lb_listener_rule.events]
}
