resource "aws_security_group" "rds" {
  name        = "${local.name}-rds"
  description = "Folio PostgreSQL: 5432 from Folio app servers only."
  vpc_id      = var.vpc_id

  tags = {
    Name = "${local.name}-rds"
  }

  lifecycle {
    # Cross-variable check (variable validation can't see other variables on TF < 1.9).
    precondition {
      condition     = length(local.app_ingress_sources) > 0
      error_message = "Set app_security_group_ids and/or app_cidr_blocks, otherwise nothing can reach the data stores."
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
  subnet_ids  = var.private_subnet_ids
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

  backup_retention_period = 7
  copy_tags_to_snapshot   = true
  deletion_protection     = var.deletion_protection

  # Always keep a last snapshot: losing the transactional DB is not recoverable otherwise.
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"
}
