resource "aws_s3_bucket" "lake" {
  # checkov:skip=CKV_AWS_145:SSE-S3 on purpose, so Redshift COPY and the app need no kms:Decrypt grants (see the encryption configuration below).
  # checkov:skip=CKV_AWS_18:Access logs would need a second bucket; CloudTrail data events are the audit trail where one is required.
  # checkov:skip=CKV2_AWS_62:Nothing consumes lake events: the warehouse loads by COPY from manifests the worker writes.
  # checkov:skip=CKV_AWS_144:Versioning is the undo; a full sync (sync_warehouse --full) re-exports it from PostgreSQL, the source of truth, so cross-region replication is a disaster-recovery choice left to the operator.
  bucket        = var.lake_bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "lake" {
  bucket = aws_s3_bucket.lake.id

  # ACLs off: access is decided by IAM and the bucket policy only.
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "lake" {
  bucket = aws_s3_bucket.lake.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Versioning gives an undo window for overwritten/deleted Parquet files.
resource "aws_s3_bucket_versioning" "lake" {
  bucket = aws_s3_bucket.lake.id

  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-S3 rather than KMS: Redshift COPY and the app then need no kms:Decrypt grants.
resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  # Export batches are disposable once loaded into Redshift.
  rule {
    id     = "expire-export-batches"
    status = "Enabled"

    filter {
      prefix = "${var.lake_prefix}/${var.export_batch_prefix}/"
    }

    expiration {
      days = var.export_batch_expiration_days
    }
  }

  # With versioning on, expiry only adds delete markers; purge old versions,
  # orphaned markers and abandoned multipart uploads so storage doesn't grow forever.
  rule {
    id     = "housekeeping"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules on a versioned bucket must be applied after versioning.
  depends_on = [aws_s3_bucket_versioning.lake]
}

data "aws_iam_policy_document" "lake_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.lake.arn,
      "${aws_s3_bucket.lake.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "lake" {
  bucket = aws_s3_bucket.lake.id
  policy = data.aws_iam_policy_document.lake_bucket.json

  # Writing a policy while the public access block is still being created can fail.
  depends_on = [aws_s3_bucket_public_access_block.lake]
}
