"""Airbyte's S3 writer may put objects under the lake prefix and nothing else.

`spoon bootstrap aws` creates the IAM user and its inline policy in a (moto) server; the
policy read back is *evaluated* (a small IAM evaluator: an Allow must match action,
resource and conditions; it refuses operators and keys it does not know, so a reshaped
policy fails loudly instead of passing) against the requests a writer could make.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from support.iam import applies

from spoon.settings import load_settings
from spoon.setup.aws import WRITER_POLICY_NAME, AwsBootstrap

BUCKET = "willows-spoon-writer"
LAKE = f"arn:aws:s3:::{BUCKET}/lake/"
USER = "spoon-airbyte-writer"
OBJECT = f"{LAKE}shopify/orders/2025_08_01_1_0.parquet"
#: (action, resource, request context) -> allowed?
REQUESTS: list[tuple[str, str, dict[str, str], bool]] = [
    ("s3:PutObject", OBJECT, {}, True),
    ("s3:AbortMultipartUpload", OBJECT, {}, True),
    ("s3:ListMultipartUploadParts", OBJECT, {}, True),
    ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", {"s3:prefix": "lake/shopify/orders/"}, True),
    # outside the prefix, another bucket, or anything but writing
    ("s3:PutObject", f"arn:aws:s3:::{BUCKET}/dbt/prod/manifest.json", {}, False),
    ("s3:PutObject", f"arn:aws:s3:::{BUCKET}/lakehouse/x.parquet", {}, False),
    ("s3:PutObject", "arn:aws:s3:::other-bucket/lake/x.parquet", {}, False),
    ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", {"s3:prefix": "dbt/"}, False),
    ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", {"s3:prefix": ""}, False),
    ("s3:GetObject", OBJECT, {}, False),
    ("s3:GetObjectVersion", OBJECT, {}, False),
    ("s3:DeleteObject", OBJECT, {}, False),
    ("s3:DeleteObjectVersion", OBJECT, {}, False),
    ("s3:PutObjectAcl", OBJECT, {}, False),
    ("s3:PutBucketPolicy", f"arn:aws:s3:::{BUCKET}", {}, False),
    ("s3:PutLifecycleConfiguration", f"arn:aws:s3:::{BUCKET}", {}, False),
    ("iam:CreateAccessKey", f"arn:aws:iam::123456789012:user/{USER}", {}, False),
]


#: the condition operators and keys the writer's policy may use
KNOWN_CONDITIONS = {"StringLike": {"s3:prefix"}}


def allowed(policy: dict[str, Any], action: str, resource: str, context: dict[str, str]) -> bool:
    """Allowed by some statement and denied by none (identity policy: no Principal)."""
    hits = {"Allow": False, "Deny": False}
    for stmt in policy["Statement"]:
        if applies(stmt, action, resource, context, KNOWN_CONDITIONS):
            hits[stmt["Effect"]] = True
    return hits["Allow"] and not hits["Deny"]


@pytest.fixture()
def writer_policy(aws_env: str) -> dict[str, Any]:
    settings = load_settings(
        env="prod",
        s3_bucket=BUCKET,
        s3_prefix="lake",
        aws_account_id="123456789012",
        snowflake_env_suffix="_WRITER",  # its own IAM names in the session's moto server
    )
    AwsBootstrap(settings).apply()
    iam = boto3.client("iam", endpoint_url=aws_env, region_name="us-east-1")
    assert iam.list_user_policies(UserName=USER)["PolicyNames"] == [WRITER_POLICY_NAME]
    assert iam.list_attached_user_policies(UserName=USER)["AttachedPolicies"] == []
    assert iam.list_groups_for_user(UserName=USER)["Groups"] == []
    doc = iam.get_user_policy(UserName=USER, PolicyName=WRITER_POLICY_NAME)
    policy = doc["PolicyDocument"]
    return dict(json.loads(policy) if isinstance(policy, str) else policy)


def test_the_writer_puts_under_the_lake_prefix_only(writer_policy: dict[str, Any]) -> None:
    for action, resource, context, expected in REQUESTS:
        assert allowed(writer_policy, action, resource, context) is expected, (
            f"{action} on {resource} {context}: expected {'allowed' if expected else 'denied'}"
        )


def test_the_evaluator_sees_a_wider_policy() -> None:
    """The same checks fail on a policy that lets the writer read the lake."""
    wide = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": f"{LAKE}*"}]}
    assert allowed(wide, "s3:GetObject", OBJECT, {})
    assert not allowed(wide, "s3:PutObject", f"arn:aws:s3:::{BUCKET}/dbt/x", {})
