# The way in: an internet-facing Application Load Balancer. HTTP only redirects to HTTPS;
# HTTPS forwards requests for domain_names to the web tasks and answers anything else itself.

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Folio load balancer: 80 and 443 from alb_ingress_cidrs, out to the web tasks only."
  vpc_id      = local.vpc_id

  tags = {
    Name = "${local.name}-alb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  # checkov:skip=CKV_AWS_260:Port 80 is open on purpose: its listener only redirects to HTTPS.
  for_each = { for pair in setproduct([80, 443], var.alb_ingress_cidrs) : "${pair[0]}-${pair[1]}" => pair }

  security_group_id = aws_security_group.alb.id
  description       = "HTTP${each.value[0] == 443 ? "S" : " (redirected to HTTPS)"} from ${each.value[1]}"
  ip_protocol       = "tcp"
  from_port         = each.value[0]
  to_port           = each.value[0]
  cidr_ipv4         = each.value[1]
}

resource "aws_vpc_security_group_egress_rule" "alb_to_web" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the web (gunicorn) and events (daphne) tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.web_port
  to_port                      = local.web_port
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_lb" "web" {
  # checkov:skip=CKV2_AWS_28:No WAF in this stack: the API throttles per user and per address itself; attach a web ACL to this load balancer where policy asks for one.
  # checkov:skip=CKV2_AWS_76:Same as CKV2_AWS_28 (the Log4j rule lives in a WAF web ACL, and Folio runs no Java).
  # checkov:skip=CKV_AWS_91:Access logs are on when alb_access_logs_bucket names a bucket; ALB logs cannot go to a KMS-encrypted bucket, so none is made here.
  name               = local.name
  load_balancer_type = "application"
  internal           = false
  subnets            = local.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]

  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  # A CSV/XLSX export or a cold warehouse query may take most of API_QUERY_TIMEOUT_SECONDS.
  idle_timeout = 60

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == null ? [] : [var.alb_access_logs_bucket]

    content {
      enabled = true
      bucket  = access_logs.value
      prefix  = local.name
    }
  }
}

resource "aws_lb_target_group" "web" {
  # checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the hop to gunicorn is inside private subnets, and only the load balancer's security group reaches it.
  name        = local.name # the only target group; "<name>-web" could pass the 32-character limit
  port        = local.web_port
  protocol    = "HTTP"
  target_type = "ip" # Fargate tasks register by their ENI address
  vpc_id      = local.vpc_id

  # Long enough for an in-flight export to finish, short enough for a quick deploy.
  deregistration_delay = 30

  health_check {
    # Readiness: a task that can't reach its database, cache or warehouse gets no traffic.
    path                = "/readyz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# The live events' tasks (daphne): WebSockets and event streams stay open for hours, so they
# get their own tasks and target group rather than a gunicorn thread each.
resource "aws_lb_target_group" "events" {
  # checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the hop to daphne is inside private subnets, and only the load balancer's security group reaches it.
  name        = "${substr(local.name, 0, 25)}-events" # within the 32-character limit
  port        = local.web_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = local.vpc_id

  # A socket cut by a deploy reconnects (to another task) and its hello catches it up.
  deregistration_delay = 30

  health_check {
    path                = "/readyz"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

locals {
  # The roles the load balancer sends requests to, and their target groups.
  target_groups = {
    web    = aws_lb_target_group.web.arn
    events = aws_lb_target_group.events.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  # Requests for any other host (scanners hitting the address, a stale DNS name) never
  # reach Django; that is what lets DJANGO_ALLOWED_HOSTS accept the health checks (ecs.tf).
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  condition {
    host_header {
      values = var.domain_names
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

# Before the web rule: the live events' paths of the same hosts go to the events tasks. The
# load balancer keeps WebSockets and streams open past idle_timeout as long as bytes flow
# (daphne pings each socket every 20 s; the stream sends a comment every 15 s). One rule
# per host: a rule holds at most 5 condition values, and domain_names may have 5 alone.
resource "aws_lb_listener_rule" "events" {
  for_each = { for index, domain in var.domain_names : domain => index }

  listener_arn = aws_lb_listener.https.arn
  priority     = 1 + each.value # 1 to 5, before the web rule's 10

  condition {
    host_header {
      values = [each.key]
    }
  }

  condition {
    path_pattern {
      values = ["/ws/*", "/api/analytics/events*"]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.events.arn
  }
}
