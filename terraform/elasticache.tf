resource "aws_security_group" "redis" {
  name        = "${local.name}-redis"
  description = "Folio Redis (cache + Celery broker): 6379 from Folio app servers only."
  vpc_id      = local.vpc_id

  tags = {
    Name = "${local.name}-redis"
  }
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_app" {
  for_each = local.app_ingress_sources

  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from Folio app (${each.key})"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = each.value.security_group_id
  cidr_ipv4                    = each.value.cidr_ipv4
}

resource "aws_elasticache_subnet_group" "this" {
  name        = "${local.name}-redis"
  description = "Private subnets for Folio Redis."
  subnet_ids  = local.private_subnet_ids
}

resource "aws_elasticache_replication_group" "this" {
  # checkov:skip=CKV_AWS_31:TLS is on; only the app's security group reaches 6379, and an AUTH token would have to ride in REDIS_URL and CELERY_BROKER_URL, which are plain environment.
  # checkov:skip=CKV_AWS_191:Encrypted at rest with the AWS-managed key; moving to a customer key replaces the replication group.
  # checkov:skip=CKV2_AWS_50:Failover and Multi-AZ follow redis_num_cache_clusters (2 or more); one node is the small-environment default.
  replication_group_id = "${local.name}-redis"
  description          = "Folio cache and Celery broker"

  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_node_type
  parameter_group_name = "default.redis7" # cluster mode off: Celery and django cache use DB numbers
  port                 = 6379

  num_cache_clusters         = var.redis_num_cache_clusters
  automatic_failover_enabled = var.redis_num_cache_clusters > 1
  multi_az_enabled           = var.redis_num_cache_clusters > 1

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.redis.id]

  # TLS is why the URLs are rediss://; the session/broker data is also encrypted at rest.
  transit_encryption_enabled = true
  at_rest_encryption_enabled = true

  snapshot_retention_limit = 1
}
