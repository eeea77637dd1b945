# Uploaded import files: the web task stores the upload under IMPORT_UPLOAD_DIR and a
# worker task imports it (analytics/services/job_starts.py), so both mount one file system.

resource "aws_security_group" "efs" {
  name        = "${local.name}-uploads"
  description = "Folio upload file system: NFS from the Folio tasks only."
  vpc_id      = local.vpc_id

  tags = {
    Name = "${local.name}-uploads"
  }
}

resource "aws_vpc_security_group_ingress_rule" "efs_from_app" {
  security_group_id            = aws_security_group.efs.id
  description                  = "NFS from the Folio ECS tasks"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_efs_file_system" "uploads" {
  creation_token = "${local.name}-uploads"
  encrypted      = true
  kms_key_id     = aws_kms_key.app.arn

  # Uploads are deleted once imported; rejects files age out after IMPORT_REJECTS_DAYS.
  lifecycle_policy {
    transition_to_ia = "AFTER_7_DAYS"
  }

  tags = {
    Name = "${local.name}-uploads"
  }
}

resource "aws_efs_backup_policy" "uploads" {
  file_system_id = aws_efs_file_system.uploads.id

  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_mount_target" "uploads" {
  count = length(local.private_subnet_ids)

  file_system_id  = aws_efs_file_system.uploads.id
  subnet_id       = local.private_subnet_ids[count.index]
  security_groups = [aws_security_group.efs.id]
}

# The image runs as uid/gid 10001 (folio); the access point makes every client that user
# in its own directory, whatever uid a process claims.
resource "aws_efs_access_point" "uploads" {
  file_system_id = aws_efs_file_system.uploads.id

  posix_user {
    uid = 10001
    gid = 10001
  }

  root_directory {
    path = "/uploads"

    creation_info {
      owner_uid   = 10001
      owner_gid   = 10001
      permissions = "0750"
    }
  }
}

# Only through the access point, only over TLS, only by the app role.
data "aws_iam_policy_document" "uploads" {
  statement {
    sid = "AppMountsThroughAccessPoint"
    actions = [
      "elasticfilesystem:ClientMount",
      "elasticfilesystem:ClientWrite",
    ]
    resources = [aws_efs_file_system.uploads.arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.app.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "elasticfilesystem:AccessPointArn"
      values   = [aws_efs_access_point.uploads.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["*"]
    resources = [aws_efs_file_system.uploads.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_efs_file_system_policy" "uploads" {
  file_system_id = aws_efs_file_system.uploads.id
  policy         = data.aws_iam_policy_document.uploads.json
}
