"""The AWS side as documents (pure): what `spoon bootstrap aws` wants each resource to be."""

from __future__ import annotations

from typing import Any

from spoon import names as nm
from spoon.settings import Settings

POLICY_SID = "SpoonDenyInsecureTransport"
LIFECYCLE_ID = "spoon-expire-landed-files"
NOTIFICATION_ID = "spoon-snowpipe"
ROLE_POLICY_NAME = "spoon-lake-read"
WRITER_POLICY_NAME = "spoon-lake-write"
OWNERSHIP = "BucketOwnerEnforced"
PLACEHOLDER_EXTERNAL_ID = "0000"


def desired_public_access_block() -> dict[str, bool]:
    return {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }


def desired_encryption_rule() -> dict[str, Any]:
    return {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}


def tls_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": POLICY_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def prefix_slash(settings: Settings) -> str:
    prefix = nm.lake_prefix(settings)
    return f"{prefix}/" if prefix else ""


def list_prefix_statement(bucket: str, prefix: str) -> dict[str, Any]:
    """Listing the lake prefix only (Snowflake's role and Airbyte's writer both need it)."""
    statement = _allow("ListLakePrefix", "s3:ListBucket", f"arn:aws:s3:::{bucket}")
    return statement | {"Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}}}


def lifecycle_rule(settings: Settings) -> dict[str, Any]:
    return {
        "ID": LIFECYCLE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": prefix_slash(settings)},
        "Expiration": {"Days": settings.lake_retention_days},
        "NoncurrentVersionExpiration": {"NoncurrentDays": settings.lake_retention_days},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }


def trust_policy(settings: Settings) -> dict[str, Any]:
    principal = settings.snowflake_iam_user_arn or f"arn:aws:iam::{settings.aws_account_id}:root"
    external_id = settings.snowflake_external_id or PLACEHOLDER_EXTERNAL_ID
    return _policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
        }
    )


def _allow(sid: str, action: str | list[str], resource: str) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def role_policy(settings: Settings) -> dict[str, Any]:
    bucket, prefix = settings.s3_bucket, prefix_slash(settings)
    return _policy(
        _allow(
            "ReadLandedFiles",
            ["s3:GetObject", "s3:GetObjectVersion"],
            f"arn:aws:s3:::{bucket}/{prefix}*",
        ),
        list_prefix_statement(bucket, prefix),
        _allow("LocateBucket", "s3:GetBucketLocation", f"arn:aws:s3:::{bucket}"),
    )


def writer_policy(settings: Settings) -> dict[str, Any]:
    """Airbyte's S3 destination: put files under the lake prefix, nothing else."""
    bucket, prefix = settings.s3_bucket, prefix_slash(settings)
    return _policy(
        _allow(
            "PutLandedFiles",
            ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            f"arn:aws:s3:::{bucket}/{prefix}*",
        ),
        list_prefix_statement(bucket, prefix),
    )


def queue_configuration(settings: Settings) -> dict[str, Any]:
    return {
        "Id": NOTIFICATION_ID,
        "QueueArn": settings.snowpipe_queue_arn,
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {
            "Key": {
                "FilterRules": [
                    {"Name": "prefix", "Value": prefix_slash(settings)},
                    {"Name": "suffix", "Value": ".parquet"},
                ]
            }
        },
    }
