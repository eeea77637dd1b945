resource "aws_security_group" "rds" {
  name        = "${local.name}-rds"
  description = "Folio PostgreSQL: 5432 from Folio app servers only."
  vpc_id      = local.vpc_id

  tags = {
    Name = "${local.name}-rds"
  }

  lifecycle {
    # Cross-variable check (variable validation can't see other variables on TF < 1.9).
    precondition {
      condition     = var.create_vpc || (var.vpc_id != null && length(var.public_subnet_ids) >= 2 && length(var.private_subnet_ids) >= 3)
      error_message = "With create_vpc = false, set vpc_id, at least two public_subnet_ids (load balancer) and three private_subnet_ids."
    }
    # A stack applied before create_vpc existed names its VPC: creating a new one would
    # move (replace) every data store into it.
    precondition {
      condition     = !var.create_vpc || (var.vpc_id == null && length(var.public_subnet_ids) == 0 && length(var.private_subnet_ids) == 0)
      error_message = "create_vpc = true makes a new VPC: set create_vpc = false to keep using vpc_id and its subnets."
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "rds_from_app" {
  for_each = local.app_ingress_sources

  security_group_id            = aws_security_group.rds.id
  description                  = "PostgreSQL from Folio app (${each.key})"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value.security_group_id
  cidr_ipv4                    = each.value.cidr_ipv4
}

resource "aws_db_subnet_group" "this" {
  name        = "${local.name}-db"
  description = "Private subnets for Folio PostgreSQL."
  subnet_ids  = local.private_subnet_ids
}

# PostgreSQL 15 does not force TLS by default (16+ does); DATABASE_URL uses sslmode=require.
resource "aws_db_parameter_group" "this" {
  name        = "${local.name}-postgres15"
  family      = "postgres15"
  description = "Folio PostgreSQL 15 parameters."

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "this" {
  # checkov:skip=CKV_AWS_157:Multi-AZ is the db_multi_az variable, off by default for small environments.
  # checkov:skip=CKV_AWS_353:Performance Insights is a per-environment cost choice; CloudWatch's RDS metrics cover the default small instance.
  # checkov:skip=CKV_AWS_118:Enhanced monitoring needs its own IAM role and costs per instance; CloudWatch's RDS metrics suffice at the default size.
  # checkov:skip=CKV_AWS_161:Folio signs in with the generated password from Secrets Manager (PGPASSWORD), not IAM tokens.
  identifier     = local.name
  engine         = "postgres"
  engine_version = "15" # major only: RDS picks the latest 15.x and applies minor upgrades
  instance_class = var.db_instance_class

  db_name  = var.db_name
  username = var.db_username
  password = random_password.db.result
  port     = 5432

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.rds.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.db_multi_az

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false

  # Server log and upgrade log to CloudWatch (slow and failed statements, errors).
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  backup_retention_period = 7
  copy_tags_to_snapshot   = true
  deletion_protection     = var.deletion_protection

  # Always keep a last snapshot: losing the transactional DB is not recoverable otherwise.
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"
}
