# -----------------------------------------------------------------------------
# Redshift COPY role: assumed by Redshift when Folio runs
#   COPY ... FROM 's3://<bucket>/<prefix>/...manifest' IAM_ROLE '<arn>' FORMAT AS PARQUET MANIFEST
# -----------------------------------------------------------------------------

data "aws_iam_policy_document" "redshift_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    # Provisioned and Serverless Redshift use different service principals.
    principals {
      type        = "Service"
      identifiers = ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "redshift_copy" {
  name               = "${local.name}-redshift-copy"
  description        = "Assumed by Redshift to COPY Parquet from the Folio lake."
  assume_role_policy = data.aws_iam_policy_document.redshift_assume.json
}

data "aws_iam_policy_document" "redshift_copy" {
  # Parquet COPY needs ListBucket for the manifest/data prefix...
  statement {
    sid       = "ListLakePrefix"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = local.lake_list_prefixes
    }
  }

  # ...and s3:GetObject on the manifest and each Parquet file. Read-only: no UNLOAD.
  statement {
    sid       = "ReadLakeObjects"
    actions   = ["s3:GetObject"]
    resources = [local.lake_objects_arn]
  }
}

resource "aws_iam_role_policy" "redshift_copy" {
  name   = "lake-read"
  role   = aws_iam_role.redshift_copy.id
  policy = data.aws_iam_policy_document.redshift_copy.json
}

# -----------------------------------------------------------------------------
# App role: Django (gunicorn) and the Celery worker.
# -----------------------------------------------------------------------------

data "aws_iam_policy_document" "app_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = var.app_role_trusted_services
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "${local.name}-app"
  description        = "Folio web and worker: lake read/write and secret reads."
  assume_role_policy = data.aws_iam_policy_document.app_assume.json
}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "ListLakePrefix"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.lake.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = local.lake_list_prefixes
    }
  }

  # boto3 uploads large Parquet files as multipart, hence AbortMultipartUpload;
  # DeleteObject lets the worker clean up manifests (versioning keeps an undo copy).
  statement {
    sid = "ReadWriteLakeObjects"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
    ]
    resources = [local.lake_objects_arn]
  }

  # Only the secrets Folio needs, for hosts that fetch them at start-up (on ECS the
  # execution role injects them instead), and the key they are encrypted with.
  statement {
    sid       = "ReadFolioSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.app_secret_arns
  }

  statement {
    sid       = "DecryptFolioSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.app.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

# A managed (not inline) policy so it can also be attached to existing roles.
resource "aws_iam_policy" "app" {
  name        = "${local.name}-app"
  description = "Folio app access to the data lake prefix and its secrets."
  policy      = data.aws_iam_policy_document.app.json
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.app.arn
}

# EC2 hosts can only use a role through an instance profile.
resource "aws_iam_instance_profile" "app" {
  count = contains(var.app_role_trusted_services, "ec2.amazonaws.com") ? 1 : 0

  name = "${local.name}-app"
  role = aws_iam_role.app.name
}
