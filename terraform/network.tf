# The network Folio runs in: a VPC made here (create_vpc = true, the default) or an
# existing one (create_vpc = false with vpc_id, public_subnet_ids and private_subnet_ids).
# The load balancer sits in the public subnets; the ECS tasks and every data store in the
# private ones, with no public address.

data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394:Only the first three zones by name are used (local.vpc_azs); a zone AWS adds later changes no subnet.
  state = "available"
}

locals {
  # Redshift Serverless wants three AZs, so a created VPC always spans three.
  vpc_azs = slice(data.aws_availability_zones.available.names, 0, 3)

  vpc_id             = var.create_vpc ? aws_vpc.this[0].id : var.vpc_id
  public_subnet_ids  = var.create_vpc ? aws_subnet.public[*].id : var.public_subnet_ids
  private_subnet_ids = var.create_vpc ? aws_subnet.private[*].id : var.private_subnet_ids
}

resource "aws_vpc" "this" {
  count = var.create_vpc ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # RDS, ElastiCache and Redshift endpoints are DNS names

  tags = {
    Name = local.name
  }
}

# AWS's default group allows all traffic between its members; nothing here uses it, so it
# is emptied rather than left as a trap for a hand-made resource.
resource "aws_default_security_group" "this" {
  count = var.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
}

resource "aws_subnet" "public" {
  count = var.create_vpc ? length(local.vpc_azs) : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.vpc_azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index)

  # Only the load balancer and the NAT gateway live here, and neither needs this.
  map_public_ip_on_launch = false

  tags = {
    Name = "${local.name}-public-${local.vpc_azs[count.index]}"
  }
}

resource "aws_subnet" "private" {
  count = var.create_vpc ? length(local.vpc_azs) : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.vpc_azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 10 + count.index)

  tags = {
    Name = "${local.name}-private-${local.vpc_azs[count.index]}"
  }
}

resource "aws_internet_gateway" "this" {
  count = var.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = {
    Name = local.name
  }
}

resource "aws_route_table" "public" {
  count = var.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }

  tags = {
    Name = "${local.name}-public"
  }
}

resource "aws_route_table_association" "public" {
  count = var.create_vpc ? length(local.vpc_azs) : 0

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

# The tasks pull from ECR and read Secrets Manager and CloudWatch through NAT. One gateway
# is cheaper; one per AZ (nat_gateway_per_az) keeps an AZ outage from cutting the others off.
locals {
  nat_gateway_count = var.create_vpc ? (var.nat_gateway_per_az ? length(local.vpc_azs) : 1) : 0
}

resource "aws_eip" "nat" {
  count = local.nat_gateway_count

  domain = "vpc"

  tags = {
    Name = "${local.name}-nat-${count.index}"
  }
}

resource "aws_nat_gateway" "this" {
  count = local.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = {
    Name = "${local.name}-nat-${count.index}"
  }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "private" {
  count = var.create_vpc ? length(local.vpc_azs) : 0

  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[count.index % local.nat_gateway_count].id
  }

  tags = {
    Name = "${local.name}-private-${local.vpc_azs[count.index]}"
  }
}

resource "aws_route_table_association" "private" {
  count = var.create_vpc ? length(local.vpc_azs) : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# S3 traffic (the lake, and ECR's image layers) stays off the NAT gateway: free and faster.
resource "aws_vpc_endpoint" "s3" {
  count = var.create_vpc ? 1 : 0

  vpc_id            = aws_vpc.this[0].id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = {
    Name = "${local.name}-s3"
  }
}

# --- Flow logs: rejected and accepted connections, for the security-group audit trail ---

resource "aws_cloudwatch_log_group" "vpc_flow" {
  count = var.create_vpc ? 1 : 0

  name              = "/folio/${local.name}/vpc-flow"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.app.arn
}

data "aws_iam_policy_document" "vpc_flow_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "vpc_flow" {
  count = var.create_vpc ? 1 : 0

  name               = "${local.name}-vpc-flow"
  description        = "Lets VPC flow logs write to their CloudWatch log group."
  assume_role_policy = data.aws_iam_policy_document.vpc_flow_assume.json
}

data "aws_iam_policy_document" "vpc_flow" {
  count = var.create_vpc ? 1 : 0

  statement {
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = ["${aws_cloudwatch_log_group.vpc_flow[0].arn}:*"]
  }
}

resource "aws_iam_role_policy" "vpc_flow" {
  count = var.create_vpc ? 1 : 0

  name   = "write-flow-logs"
  role   = aws_iam_role.vpc_flow[0].id
  policy = data.aws_iam_policy_document.vpc_flow[0].json
}

resource "aws_flow_log" "this" {
  count = var.create_vpc ? 1 : 0

  vpc_id          = aws_vpc.this[0].id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.vpc_flow[0].arn
  iam_role_arn    = aws_iam_role.vpc_flow[0].arn
}
