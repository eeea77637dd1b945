provider "aws" {
  region = var.region

  # Every taggable resource gets project/environment without per-resource tags.
  default_tags {
    tags = merge(var.tags, {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# Existing subnets are looked up only to validate placement: Redshift Serverless needs
# three AZs, and every data store must sit in the VPC that owns the security groups below.
# Subnets made here (network.tf) satisfy both by construction.
data "aws_subnet" "private" {
  for_each = var.create_vpc ? toset([]) : toset(var.private_subnet_ids)
  id       = each.value
}

locals {
  name = "${var.project}-${var.environment}"

  lake_objects_arn = "${aws_s3_bucket.lake.arn}/${var.lake_prefix}/*"
  # ListBucket is scoped with s3:prefix so neither role can enumerate other data.
  lake_list_prefixes = [var.lake_prefix, "${var.lake_prefix}/*"]

  # One ingress rule per (data store, app source): the ECS tasks' security group, plus any
  # hosts named by variables (e.g. a bastion). Keys are literals or variables, so for_each
  # is known at plan time even before the SG IDs exist.
  app_ingress_sources = merge(
    { "ecs-tasks" = { security_group_id = aws_security_group.app.id, cidr_ipv4 = tostring(null) } },
    { for id in var.app_security_group_ids : "sg-${id}" => { security_group_id = id, cidr_ipv4 = tostring(null) } },
    { for cidr in var.app_cidr_blocks : "cidr-${cidr}" => { security_group_id = tostring(null), cidr_ipv4 = cidr } },
  )

  private_subnet_azs = var.create_vpc ? local.vpc_azs : distinct([for s in data.aws_subnet.private : s.availability_zone])
}
