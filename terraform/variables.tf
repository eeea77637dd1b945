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

variable "vpc_id" {
  description = "Existing VPC that hosts Folio."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets for RDS, ElastiCache and Redshift Serverless. Redshift Serverless requires at least three subnets in three AZs."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 3
    error_message = "Provide at least three private subnets (Redshift Serverless requirement)."
  }
}

variable "app_security_group_ids" {
  description = "Security groups of the Django web and Celery worker hosts/tasks; allowed to reach Postgres, Redis and Redshift."
  type        = list(string)
  default     = []
}

variable "app_cidr_blocks" {
  description = "IPv4 CIDRs of app servers, for when they have no security group to reference (e.g. peered networks, VPN)."
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
    condition     = length(var.app_role_trusted_services) > 0
    error_message = "app_role_trusted_services needs at least one service principal."
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
