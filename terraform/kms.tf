# One customer-managed key for what the app stack stores: its secrets, log groups, image
# repository and upload file system. IAM policies grant its use (the key policy delegates
# to the account), except CloudWatch Logs, which the key policy must name itself.

data "aws_iam_policy_document" "app_key" {
  # checkov:skip=CKV_AWS_111:A key policy: resource "*" is this key, and the account root statement delegates access to IAM policies (the AWS default).
  # checkov:skip=CKV_AWS_356:Same: in a key policy "*" can only mean the key it is attached to.
  # checkov:skip=CKV_AWS_109:Same: the account administers its own key through IAM; no other principal gets kms:*.
  statement {
    sid       = "AccountAdministersThroughIam"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy "*" means this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsEncryptsThisStacksLogGroups"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/folio/${local.name}/*"]
    }
  }
}

resource "aws_kms_key" "app" {
  description             = "Folio ${local.name}: secrets, logs, ECR images and uploads."
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.app_key.json
}

resource "aws_kms_alias" "app" {
  name          = "alias/${local.name}-app"
  target_key_id = aws_kms_key.app.key_id
}
