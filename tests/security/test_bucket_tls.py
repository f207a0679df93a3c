"""The lake bucket refuses every request made without TLS, asserted on the policy that
`spoon bootstrap aws` leaves in a (moto) S3 server, and kept so when someone weakens it.

tests/integration/snowflake/test_snowflake_aws_moto.py::test_bootstrap_aws_twice reads the
statement back and compares it field by field. Here the policy read from moto is evaluated
instead (a small IAM evaluator: explicit Deny wins; it refuses condition keys it does not
know, so a reshaped policy fails loudly rather than passing): plain-HTTP requests of every
kind, on the bucket and on its objects, are denied, TLS requests are not. Then the policy is
tampered with in moto (TLS statement weakened, another statement added) and a re-run of the
bootstrap must notice, restore the denial and keep the other statement.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from support.iam import applies

from spoon.settings import load_settings
from spoon.setup.aws import AwsBootstrap

BUCKET = "willows-spoon-tls"
#: (action, resource) pairs a client of the lake makes, on the bucket and on an object
REQUESTS = [
    ("s3:GetObject", f"arn:aws:s3:::{BUCKET}/lake/shopify/orders/2025_08_01_1_0.parquet"),
    ("s3:PutObject", f"arn:aws:s3:::{BUCKET}/lake/shopify/orders/2025_08_01_1_0.parquet"),
    ("s3:DeleteObject", f"arn:aws:s3:::{BUCKET}/lake/x.parquet"),
    ("s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
    ("s3:GetBucketLocation", f"arn:aws:s3:::{BUCKET}"),
    ("s3:PutBucketPolicy", f"arn:aws:s3:::{BUCKET}"),
]


#: the condition operators and keys the bucket policy may use
KNOWN_CONDITIONS = {"Bool": {"aws:SecureTransport"}}


def _denied(policy: dict[str, Any], action: str, resource: str, *, tls: bool) -> bool:
    """Whether an explicit Deny of `policy` matches this anonymous-or-any request."""
    context = {"aws:SecureTransport": "true" if tls else "false"}
    return any(
        stmt["Effect"] == "Deny"
        and stmt.get("Principal") in ("*", {"AWS": "*"})
        and applies(stmt, action, resource, context, KNOWN_CONDITIONS)
        for stmt in policy["Statement"]
    )


def _policy(s3: Any) -> dict[str, Any]:
    return dict(json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]))


def _assert_tls_only(policy: dict[str, Any]) -> None:
    for action, resource in REQUESTS:
        assert _denied(policy, action, resource, tls=False), f"{action} on {resource} over HTTP"
        assert not _denied(policy, action, resource, tls=True), f"{action} denied over TLS"


def test_bucket_policy_denies_every_request_without_tls_and_is_restored(aws_env: str) -> None:
    settings = load_settings(
        env="prod", s3_bucket=BUCKET, s3_prefix="lake", aws_account_id="123456789012"
    )
    s3 = boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1")
    AwsBootstrap(settings).apply()
    _assert_tls_only(_policy(s3))

    # weakened by hand: the TLS statement now only covers the objects, on HTTPS (!),
    # and someone's own statement sits next to it
    policy = _policy(s3)
    (ours,) = policy["Statement"]
    weakened = {
        **ours,
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
    theirs = {
        "Sid": "DenyDeleteOfTheArchive",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/archive/*",
    }
    policy["Statement"] = [theirs, weakened]
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    assert not _denied(_policy(s3), "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", tls=False)

    again = AwsBootstrap(settings)
    plan = {c.resource: c.action for c in again.plan()}
    assert plan["bucket policy"] == "update", plan
    assert [a for r, a in plan.items() if r != "bucket policy"] == ["none"] * (len(plan) - 1)
    again.apply()
    restored = _policy(s3)
    _assert_tls_only(restored)
    assert theirs in restored["Statement"], "the bootstrap dropped another statement"
    assert {c.action for c in AwsBootstrap(settings).plan()} == {"none"}
