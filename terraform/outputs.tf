# Outputs in CAPITALS are the environment variables Folio reads; set them verbatim
# on the web and worker processes. No output contains a password or key.

output "DATABASE_URL" {
  description = "PostgreSQL URL without password; take the password from DATABASE_SECRET_ARN (JSON key \"password\")."
  value       = local.database_url
}

output "DATABASE_SECRET_ARN" {
  description = "Secrets Manager ARN with the PostgreSQL credentials (RDS JSON format)."
  value       = aws_secretsmanager_secret.database.arn
}

output "LAKE_URL" {
  description = "Data lake root the Celery worker writes Parquet under."
  value       = local.lake_url
}

output "AWS_REGION" {
  description = "Region for boto3 (S3, Secrets Manager)."
  value       = var.region
}

output "WAREHOUSE_URL" {
  description = "Redshift Serverless URL without password; take the password from WAREHOUSE_SECRET_ARN."
  value       = local.warehouse_url
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
  value       = local.redis_url
}

output "CELERY_BROKER_URL" {
  description = "Redis over TLS for Celery (DB 1). Kombu refuses rediss:// without ssl_cert_reqs."
  value       = local.celery_broker_url
}

output "DJANGO_SECRET_KEY_SECRET_ARN" {
  description = "Secrets Manager ARN whose plain-string value is DJANGO_SECRET_KEY."
  value       = aws_secretsmanager_secret.django_secret_key.arn
}

output "METRICS_TOKEN_SECRET_ARN" {
  description = "Secrets Manager ARN whose plain-string value is METRICS_TOKEN (the /metrics bearer token)."
  value       = aws_secretsmanager_secret.metrics_token.arn
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

# --- The app on ECS -----------------------------------------------------------

output "vpc_id" {
  description = "VPC Folio runs in (created or given)."
  value       = local.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets of the ECS tasks and data stores (for run-task)."
  value       = local.private_subnet_ids
}

output "app_security_group_id" {
  description = "Security group of the Folio ECS tasks, the only one the data stores admit (for run-task)."
  value       = aws_security_group.app.id
}

output "ecr_repository_url" {
  description = "Push the image here as <url>:<image_tag>."
  value       = aws_ecr_repository.app.repository_url
}

output "ecs_cluster_name" {
  description = "ECS cluster running the web, worker and beat services."
  value       = aws_ecs_cluster.this.name
}

output "load_balancer_dns_name" {
  description = "Point domain_names here (CNAME, or a Route 53 alias with load_balancer_zone_id)."
  value       = aws_lb.web.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for Route 53 alias records."
  value       = aws_lb.web.zone_id
}

output "migrate_task_definition" {
  description = "Task definition (family:revision) of the one-off migrate task."
  value       = "${aws_ecs_task_definition.app["migrate"].family}:${aws_ecs_task_definition.app["migrate"].revision}"
}

output "migrate_command" {
  description = "Runs the migrate task once and prints its task ARN (wait for it and check its exit code as terraform/README.md shows)."
  value = join(" ", [
    "aws ecs run-task",
    "--region ${var.region}",
    "--cluster ${aws_ecs_cluster.this.name}",
    "--task-definition ${aws_ecs_task_definition.app["migrate"].family}:${aws_ecs_task_definition.app["migrate"].revision}",
    "--launch-type FARGATE",
    "--network-configuration 'awsvpcConfiguration={subnets=[${join(",", local.private_subnet_ids)}],securityGroups=[${aws_security_group.app.id}],assignPublicIp=DISABLED}'",
    "--query 'tasks[0].taskArn' --output text",
  ])
}
