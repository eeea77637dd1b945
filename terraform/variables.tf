# --- Naming -------------------------------------------------------------------

variable "project" {
  description = "Project name, used as a prefix for resource names and the Project tag."
  type        = string
  default     = "folio"

  validation {
    # Short and DNS-safe: ElastiCache IDs ("<project>-<env>-redis") max out at 40 chars.
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.project)) && !endswith(var.project, "-")
    error_message = "project must be 2-16 chars of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (e.g. dev, staging, prod); used in names and the Environment tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,11}$", var.environment)) && !endswith(var.environment, "-")
    error_message = "environment must be 1-12 chars of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region to deploy into; also exported as AWS_REGION."
  type        = string
}

variable "tags" {
  description = "Extra tags added to every resource (Project/Environment are always set)."
  type        = map(string)
  default     = {}
}

# --- Network ------------------------------------------------------------------

variable "create_vpc" {
  description = "Create a VPC (three AZs, public and private subnets, NAT, flow logs). Set false to use an existing one named by vpc_id, public_subnet_ids and private_subnet_ids."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC created when create_vpc is true (a /16 leaves room for the /24 subnets)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 19
    error_message = "vpc_cidr must be an IPv4 CIDR of /19 or larger."
  }
}

variable "nat_gateway_per_az" {
  description = "With create_vpc: one NAT gateway per AZ (survives an AZ outage) instead of a single shared one."
  type        = bool
  default     = false
}

variable "vpc_id" {
  description = "Existing VPC that hosts Folio (only with create_vpc = false)."
  type        = string
  default     = null
}

variable "public_subnet_ids" {
  description = "Existing public subnets for the load balancer, in two or more AZs (only with create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "private_subnet_ids" {
  description = "Existing private subnets for the ECS tasks, RDS, ElastiCache and Redshift Serverless (only with create_vpc = false). Redshift Serverless requires at least three subnets in three AZs; they need a route to ECR, Secrets Manager and CloudWatch (NAT or VPC endpoints)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.private_subnet_ids) == 0 || length(var.private_subnet_ids) >= 3
    error_message = "Provide at least three private subnets (Redshift Serverless requirement)."
  }
}

variable "app_security_group_ids" {
  description = "Extra security groups allowed to reach Postgres, Redis and Redshift besides the ECS tasks' own (e.g. a bastion). Empty by default: only the app's tasks get in."
  type        = list(string)
  default     = []
}

variable "app_cidr_blocks" {
  description = "Extra IPv4 CIDRs allowed to reach Postgres, Redis and Redshift, for hosts without a security group to reference (e.g. peered networks, VPN). Empty by default."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.app_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "Each app_cidr_blocks entry must be a valid IPv4 CIDR."
  }
}

# --- Data lake (S3) -----------------------------------------------------------

variable "lake_bucket_name" {
  description = "Globally unique name of the S3 data-lake bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lake_bucket_name))
    error_message = "lake_bucket_name must be a valid S3 bucket name (3-63 lowercase chars)."
  }
}

variable "lake_prefix" {
  description = "Key prefix under which Folio writes Parquet (LAKE_URL = s3://<bucket>/<prefix>). Both IAM roles are scoped to it."
  type        = string
  default     = "lake"

  validation {
    condition     = length(var.lake_prefix) > 0 && !startswith(var.lake_prefix, "/") && !endswith(var.lake_prefix, "/")
    error_message = "lake_prefix must be non-empty and have no leading or trailing slash."
  }
}

variable "export_batch_prefix" {
  description = "Sub-prefix of lake_prefix holding warehouse export batches (Parquet + manifest) that expire after export_batch_expiration_days."
  type        = string
  default     = "exports"

  validation {
    condition     = length(var.export_batch_prefix) > 0 && !startswith(var.export_batch_prefix, "/") && !endswith(var.export_batch_prefix, "/")
    error_message = "export_batch_prefix must be non-empty and have no leading or trailing slash."
  }
}

variable "export_batch_expiration_days" {
  description = "Days after which export batches are expired; they are disposable once COPY'd into Redshift."
  type        = number
  default     = 30

  validation {
    condition     = var.export_batch_expiration_days >= 1
    error_message = "export_batch_expiration_days must be at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep overwritten/deleted object versions in the lake bucket (undo window)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a non-empty lake bucket. Keep false outside throwaway environments."
  type        = bool
  default     = false
}

# --- RDS PostgreSQL -----------------------------------------------------------

variable "db_instance_class" {
  description = "RDS instance class for PostgreSQL."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial RDS storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Upper bound for RDS storage autoscaling in GiB (0 disables autoscaling)."
  type        = number
  default     = 100
}

variable "db_name" {
  description = "Name of the Folio database in PostgreSQL."
  type        = string
  default     = "folio"
}

variable "db_username" {
  description = "RDS master username (the password is generated and stored in Secrets Manager)."
  type        = string
  default     = "folio"
}

variable "db_multi_az" {
  description = "Run RDS as Multi-AZ (standby in another AZ)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Enable RDS deletion protection. Set false only to tear an environment down."
  type        = bool
  default     = true
}

# --- Redshift Serverless ------------------------------------------------------

variable "redshift_base_capacity" {
  description = "Redshift Serverless base capacity in RPUs."
  type        = number
  default     = 8

  validation {
    # AWS accepts 4 RPUs (in some regions) or multiples of 8.
    condition     = var.redshift_base_capacity == 4 || (var.redshift_base_capacity >= 8 && var.redshift_base_capacity % 8 == 0)
    error_message = "redshift_base_capacity must be 4 or a multiple of 8 RPUs."
  }
}

variable "redshift_db_name" {
  description = "Database created in the Redshift namespace."
  type        = string
  default     = "dev"
}

variable "redshift_admin_username" {
  description = "Redshift namespace admin user (the password is generated and stored in Secrets Manager)."
  type        = string
  default     = "folio_admin"
}

# --- ElastiCache Redis --------------------------------------------------------

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "redis_engine_version" {
  description = "Redis 7 engine version as major.minor (matches the default.redis7 parameter group)."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be a Redis 7 major.minor version, e.g. 7.1."
  }
}

variable "redis_num_cache_clusters" {
  description = "Number of Redis nodes (primary + replicas). 2 or more enables automatic failover and Multi-AZ."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_num_cache_clusters >= 1 && var.redis_num_cache_clusters <= 6
    error_message = "redis_num_cache_clusters must be between 1 and 6."
  }
}

# --- IAM / Secrets ------------------------------------------------------------

variable "app_role_trusted_services" {
  description = "AWS services allowed to assume the Folio app role (ECS tasks and/or EC2 instances)."
  type        = list(string)
  default     = ["ecs-tasks.amazonaws.com", "ec2.amazonaws.com"]

  validation {
    # The role is the ECS tasks' task role (ecs.tf).
    condition     = contains(var.app_role_trusted_services, "ecs-tasks.amazonaws.com")
    error_message = "app_role_trusted_services must include ecs-tasks.amazonaws.com: the ECS tasks run as this role."
  }
}

variable "secret_recovery_window_days" {
  description = "Secrets Manager recovery window on deletion (0 = delete immediately, 7-30 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

# --- The app on ECS Fargate ---------------------------------------------------

variable "image_tag" {
  description = "Tag of the Folio image in this stack's ECR repository that the task definitions run. Tags are immutable: a release is a new tag (e.g. the git commit), a rollback is applying the previous one."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a valid image tag and not \"latest\" (immutable tags: name the release)."
  }
}

variable "domain_names" {
  description = "Host names Folio answers on (the certificate must cover them). The load balancer forwards only these hosts; anything else gets a 404 from the load balancer itself."
  type        = list(string)

  validation {
    # One listener-rule host condition takes at most five names.
    condition     = length(var.domain_names) >= 1 && length(var.domain_names) <= 5
    error_message = "Name one to five domains."
  }
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate (same region) for the HTTPS listener, covering domain_names."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "alb_ingress_cidrs" {
  description = "IPv4 ranges allowed to reach the load balancer on 80 and 443 (the whole internet by default)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.alb_ingress_cidrs) > 0 && alltrue([for c in var.alb_ingress_cidrs : can(cidrhost(c, 0))])
    error_message = "alb_ingress_cidrs needs at least one valid IPv4 CIDR."
  }
}

variable "alb_access_logs_bucket" {
  description = "Existing S3 bucket (SSE-S3, with the ELB log-delivery bucket policy) that receives the load balancer's access logs; null turns them off."
  type        = string
  default     = null
}

variable "task_sizes" {
  description = "Fargate CPU units and memory (MiB) of each task: web, events, worker, beat and migrate. Must be a valid Fargate combination."
  type = map(object({
    cpu    = number
    memory = number
  }))
  default = {
    web     = { cpu = 1024, memory = 2048 }
    events  = { cpu = 512, memory = 1024 }
    worker  = { cpu = 1024, memory = 2048 }
    beat    = { cpu = 256, memory = 512 }
    migrate = { cpu = 512, memory = 1024 }
  }

  validation {
    condition     = alltrue([for role in ["web", "events", "worker", "beat", "migrate"] : contains(keys(var.task_sizes), role)])
    error_message = "task_sizes needs an entry for each of web, events, worker, beat and migrate."
  }
}

variable "events_count" {
  description = "Tasks of the live events server (daphne: /ws/* and /api/analytics/events). One holds thousands of open sockets; two survive a task's loss."
  type        = number
  default     = 2

  validation {
    condition     = var.events_count >= 1
    error_message = "events_count needs at least one task: without it no dashboard hears a new generation (they fall back to polling)."
  }
}

variable "web_concurrency" {
  description = "Gunicorn worker processes per web task (WEB_CONCURRENCY); about one per vCPU of task_sizes.web."
  type        = number
  default     = 2
}

variable "gunicorn_threads" {
  description = "Threads per gunicorn worker (GUNICORN_THREADS)."
  type        = number
  default     = 8
}

variable "web_scaling" {
  description = "Web service autoscaling: task count bounds, target average CPU (%) and target requests per task per minute (ALBRequestCountPerTarget)."
  type = object({
    min_count           = number
    max_count           = number
    cpu_target          = number
    requests_per_target = number
  })
  default = {
    min_count           = 2
    max_count           = 8
    cpu_target          = 60
    requests_per_target = 1000
  }

  validation {
    condition     = var.web_scaling.min_count >= 1 && var.web_scaling.max_count >= var.web_scaling.min_count
    error_message = "web_scaling needs 1 <= min_count <= max_count."
  }
}

variable "worker_scaling" {
  description = "Celery worker autoscaling: task count bounds and target average CPU (%)."
  type = object({
    min_count  = number
    max_count  = number
    cpu_target = number
  })
  default = {
    min_count  = 1
    max_count  = 4
    cpu_target = 70
  }

  validation {
    condition     = var.worker_scaling.min_count >= 1 && var.worker_scaling.max_count >= var.worker_scaling.min_count
    error_message = "worker_scaling needs 1 <= min_count <= max_count."
  }
}

variable "app_environment" {
  description = "Extra or overriding non-secret environment variables for every Folio container, e.g. { API_THROTTLE_RATE = \"600/min\" }. Merged over the values in ecs.tf."
  type        = map(string)
  default     = {}
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the app's, the VPC flow and the ECS Exec logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values (e.g. 30, 90, 365)."
  }
}
