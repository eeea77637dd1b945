# Secrets are generated here, never passed in or defaulted, and encrypted with the stack's
# key (kms.tf). They still land in
# Terraform state, so the state backend must be encrypted and access-controlled.

# No quotes, "$", "#", "%" or backslashes: they break .env files, shells and systemd.
resource "random_password" "django_secret_key" {
  length           = 64
  special          = true
  override_special = "!^*()-_=+"
}

# Only URL-unreserved specials: the password may be spliced into a connection URL
# without percent-encoding, and RDS/Redshift forbid '/', '@', '"' and spaces anyway.
resource "random_password" "db" {
  length           = 32
  special          = true
  override_special = "-_"
}

# Redshift also requires at least one upper-case letter, one lower-case letter and one digit.
resource "random_password" "redshift_admin" {
  length           = 32
  special          = true
  override_special = "-_"
  min_upper        = 1
  min_lower        = 1
  min_numeric      = 1
}

resource "aws_secretsmanager_secret" "django_secret_key" {
  # checkov:skip=CKV2_AWS_57:No rotation Lambda: the value is generated here; rotate by replacing random_password (terraform/README.md).
  name                    = "${var.project}/${var.environment}/django-secret-key"
  description             = "Folio Django SECRET_KEY (DJANGO_SECRET_KEY)."
  recovery_window_in_days = var.secret_recovery_window_days
  kms_key_id              = aws_kms_key.app.arn
}

resource "aws_secretsmanager_secret_version" "django_secret_key" {
  secret_id     = aws_secretsmanager_secret.django_secret_key.id
  secret_string = random_password.django_secret_key.result
}

resource "aws_secretsmanager_secret" "database" {
  # checkov:skip=CKV2_AWS_57:No rotation Lambda: the value is generated here; rotate by replacing random_password (terraform/README.md).
  name                    = "${var.project}/${var.environment}/database"
  description             = "Folio PostgreSQL credentials (RDS secret JSON format)."
  recovery_window_in_days = var.secret_recovery_window_days
  kms_key_id              = aws_kms_key.app.arn
}

# Standard RDS secret shape so Secrets Manager rotation can be enabled later.
resource "aws_secretsmanager_secret_version" "database" {
  secret_id = aws_secretsmanager_secret.database.id
  secret_string = jsonencode({
    engine   = "postgres"
    host     = aws_db_instance.this.address
    port     = aws_db_instance.this.port
    dbname   = var.db_name
    username = var.db_username
    password = random_password.db.result
  })
}

resource "aws_secretsmanager_secret" "redshift" {
  # checkov:skip=CKV2_AWS_57:No rotation Lambda: the value is generated here; rotate by replacing random_password (terraform/README.md).
  name                    = "${var.project}/${var.environment}/redshift-admin"
  description             = "Folio Redshift Serverless admin credentials."
  recovery_window_in_days = var.secret_recovery_window_days
  kms_key_id              = aws_kms_key.app.arn
}

resource "aws_secretsmanager_secret_version" "redshift" {
  secret_id = aws_secretsmanager_secret.redshift.id
  secret_string = jsonencode({
    engine   = "redshift"
    host     = aws_redshiftserverless_workgroup.this.endpoint[0].address
    port     = aws_redshiftserverless_workgroup.this.endpoint[0].port
    dbname   = var.redshift_db_name
    username = var.redshift_admin_username
    password = random_password.redshift_admin.result
  })
}

# Bearer token for /metrics (METRICS_TOKEN); without it the app answers /metrics with 404.
# Letters and digits only: it travels in an HTTP header and in scraper configs.
resource "random_password" "metrics_token" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "metrics_token" {
  # checkov:skip=CKV2_AWS_57:No rotation Lambda: the value is generated here; rotate by replacing random_password (terraform/README.md).
  name                    = "${var.project}/${var.environment}/metrics-token"
  description             = "Folio /metrics bearer token (METRICS_TOKEN)."
  recovery_window_in_days = var.secret_recovery_window_days
  kms_key_id              = aws_kms_key.app.arn
}

resource "aws_secretsmanager_secret_version" "metrics_token" {
  secret_id     = aws_secretsmanager_secret.metrics_token.id
  secret_string = random_password.metrics_token.result
}

locals {
  # Every secret the app's processes read (the ECS execution role injects them; hosts
  # outside ECS fetch them with the app policy in iam.tf).
  app_secret_arns = [
    aws_secretsmanager_secret.django_secret_key.arn,
    aws_secretsmanager_secret.database.arn,
    aws_secretsmanager_secret.redshift.arn,
    aws_secretsmanager_secret.metrics_token.arn,
  ]
}
