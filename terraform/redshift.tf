resource "aws_security_group" "redshift" {
  name        = "${local.name}-redshift"
  description = "Redshift Serverless workgroup: 5439 from Folio app servers only."
  vpc_id      = local.vpc_id

  tags = {
    Name = "${local.name}-redshift"
  }
}

resource "aws_vpc_security_group_ingress_rule" "redshift_from_app" {
  for_each = local.app_ingress_sources

  security_group_id            = aws_security_group.redshift.id
  description                  = "Redshift from Folio app (${each.key})"
  ip_protocol                  = "tcp"
  from_port                    = 5439
  to_port                      = 5439
  referenced_security_group_id = each.value.security_group_id
  cidr_ipv4                    = each.value.cidr_ipv4
}

resource "aws_redshiftserverless_namespace" "this" {
  # checkov:skip=CKV_AWS_282:Encrypted at rest with the AWS-owned key; a customer key would need Redshift grants in its key policy and is a per-organisation choice.
  namespace_name      = local.name
  db_name             = var.redshift_db_name
  admin_username      = var.redshift_admin_username
  admin_user_password = random_password.redshift_admin.result

  # Attached + default, so COPY can also use IAM_ROLE default.
  iam_roles            = [aws_iam_role.redshift_copy.arn]
  default_iam_role_arn = aws_iam_role.redshift_copy.arn

  log_exports = ["userlog", "connectionlog"]
}

resource "aws_redshiftserverless_workgroup" "this" {
  namespace_name = aws_redshiftserverless_namespace.this.namespace_name
  workgroup_name = local.name
  base_capacity  = var.redshift_base_capacity

  publicly_accessible = false
  subnet_ids          = local.private_subnet_ids
  security_group_ids  = [aws_security_group.redshift.id]

  # require_ssl already defaults to true on new workgroups; config_parameter is
  # left unset because a partial list causes perpetual plan diffs.

  lifecycle {
    precondition {
      condition     = length(local.private_subnet_azs) >= 3
      error_message = "Redshift Serverless needs private_subnet_ids spanning at least three Availability Zones."
    }
    precondition {
      condition     = alltrue([for s in data.aws_subnet.private : s.vpc_id == var.vpc_id])
      error_message = "All private_subnet_ids must belong to vpc_id."
    }
  }
}
