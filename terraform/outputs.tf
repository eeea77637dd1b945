# Outputs in CAPITALS are the environment variables Folio reads; set them verbatim
# on the web and worker processes. No output contains a password or key.

output "DATABASE_URL" {
  description = "PostgreSQL URL without password; take the password from DATABASE_SECRET_ARN (JSON key \"password\")."
  value       = "postgres://${var.db_username}@${aws_db_instance.this.address}:${aws_db_instance.this.port}/${var.db_name}?sslmode=require"
}

output "DATABASE_SECRET_ARN" {
  description = "Secrets Manager ARN with the PostgreSQL credentials (RDS JSON format)."
  value       = aws_secretsmanager_secret.database.arn
}

output "LAKE_URL" {
  description = "Data lake root the Celery worker writes Parquet under."
  value       = "s3://${aws_s3_bucket.lake.id}/${var.lake_prefix}"
}

output "AWS_REGION" {
  description = "Region for boto3 (S3, Secrets Manager)."
  value       = var.region
}

output "WAREHOUSE_URL" {
  description = "Redshift Serverless URL without password; take the password from WAREHOUSE_SECRET_ARN."
  value = format(
    "redshift://%s@%s:%d/%s",
    var.redshift_admin_username,
    aws_redshiftserverless_workgroup.this.endpoint[0].address,
    aws_redshiftserverless_workgroup.this.endpoint[0].port,
    var.redshift_db_name,
  )
}

output "WAREHOUSE_SECRET_ARN" {
  description = "Secrets Manager ARN with the Redshift admin credentials (JSON)."
  value       = aws_secretsmanager_secret.redshift.arn
}

output "REDSHIFT_IAM_ROLE" {
  description = "Role ARN for COPY ... IAM_ROLE '<arn>' (also the namespace default role)."
  value       = aws_iam_role.redshift_copy.arn
}

output "REDIS_URL" {
  description = "Redis over TLS for the Django cache (DB 0)."
  value       = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${aws_elasticache_replication_group.this.port}/0"
}

output "CELERY_BROKER_URL" {
  description = "Redis over TLS for Celery (DB 1). Kombu refuses rediss:// without ssl_cert_reqs."
  value       = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${aws_elasticache_replication_group.this.port}/1?ssl_cert_reqs=CERT_REQUIRED"
}

output "DJANGO_SECRET_KEY_SECRET_ARN" {
  description = "Secrets Manager ARN whose plain-string value is DJANGO_SECRET_KEY."
  value       = aws_secretsmanager_secret.django_secret_key.arn
}

# --- Infrastructure handles (not Folio environment variables) -----------------

output "app_role_arn" {
  description = "IAM role for the Folio web and worker (ECS task role or EC2 instance role)."
  value       = aws_iam_role.app.arn
}

output "app_policy_arn" {
  description = "Managed policy with the app's lake and secret permissions, attachable to existing roles."
  value       = aws_iam_policy.app.arn
}

output "app_instance_profile_name" {
  description = "Instance profile for EC2 app hosts (null unless ec2.amazonaws.com is trusted)."
  value       = one(aws_iam_instance_profile.app[*].name)
}

output "lake_bucket_name" {
  description = "Name of the data lake bucket."
  value       = aws_s3_bucket.lake.id
}

output "redshift_workgroup_name" {
  description = "Redshift Serverless workgroup name (for the Data API or query editor)."
  value       = aws_redshiftserverless_workgroup.this.workgroup_name
}
