"""`spoon bootstrap aws` against a local moto server: what it makes, read back; a second
run changes nothing; settings from Snowflake update the trust and add the notification."""

from __future__ import annotations

import json

import boto3
import pytest

from spoon.settings import load_settings
from spoon.setup.aws import AwsBootstrap


def _settings(**kw: object):
    base: dict[str, object] = {
        "env": "prod",
        "s3_bucket": "willows-spoon-boot",
        "s3_prefix": "lake",
        "aws_account_id": "123456789012",  # moto's account
        "lake_retention_days": 21,
    }
    return load_settings(**(base | kw))


@pytest.mark.slow
def test_bootstrap_aws_twice(aws_env: str) -> None:
    s3 = boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1")
    iam = boto3.client("iam", endpoint_url=aws_env, region_name="us-east-1")
    sqs = boto3.client("sqs", endpoint_url=aws_env, region_name="us-east-1")
    queue_url = sqs.create_queue(QueueName="sf-snowpipe-test")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    # 1) before Snowflake exists: bucket, role with a placeholder trust, no notification
    first = AwsBootstrap(_settings())
    plan = first.plan()
    assert all(c.action == "create" for c in plan), [c.line() for c in plan if c.action != "create"]
    done = first.apply()
    assert [c.action for c in done] == ["create"] * 11
    assert any("SPOON_SNOWPIPE_QUEUE_ARN not set" in n for n in first.notes)

    pab = s3.get_public_access_block(Bucket="willows-spoon-boot")["PublicAccessBlockConfiguration"]
    assert pab == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    enc = s3.get_bucket_encryption(Bucket="willows-spoon-boot")
    rule = enc["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    policy = json.loads(s3.get_bucket_policy(Bucket="willows-spoon-boot")["Policy"])
    (deny,) = policy["Statement"]
    assert deny["Effect"] == "Deny" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(deny["Resource"]) == {
        "arn:aws:s3:::willows-spoon-boot",
        "arn:aws:s3:::willows-spoon-boot/*",
    }
    assert s3.get_bucket_versioning(Bucket="willows-spoon-boot")["Status"] == "Enabled"
    ownership = s3.get_bucket_ownership_controls(Bucket="willows-spoon-boot")
    assert ownership["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (lc,) = s3.get_bucket_lifecycle_configuration(Bucket="willows-spoon-boot")["Rules"]
    assert lc["Status"] == "Enabled" and lc["Expiration"]["Days"] == 21
    assert lc["NoncurrentVersionExpiration"]["NoncurrentDays"] == 21
    assert iam.get_user(UserName="spoon-airbyte")["User"]["UserName"] == "spoon-airbyte"
    assert any("create-access-key --user-name spoon-airbyte" in n for n in first.notes)
    assert lc["Filter"]["Prefix"] == "lake/"
    role = iam.get_role(RoleName="spoon-snowflake")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    (stmt,) = trust["Statement"]
    assert stmt["Principal"]["AWS"] == "arn:aws:iam::123456789012:root"
    assert stmt["Condition"]["StringEquals"]["sts:ExternalId"] == "0000"
    access = iam.get_role_policy(RoleName="spoon-snowflake", PolicyName="spoon-lake-read")
    doc = access["PolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    actions = sorted(
        a
        for st in doc["Statement"]
        for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    )
    assert actions == [
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
    ]
    assert doc["Statement"][0]["Resource"] == "arn:aws:s3:::willows-spoon-boot/lake/*"

    # 2) a second run reports no change
    again = AwsBootstrap(_settings())
    assert [c.action for c in again.plan()] == ["none"] * 11
    assert not any(c.changes for c in again.apply())

    # 3) with what `bootstrap snowflake` printed: the trust and the notification change
    snow = _settings(
        snowflake_iam_user_arn="arn:aws:iam::999999999999:user/abc-sf",
        snowflake_external_id="AB12345_SFCRole=1_abcdef=",
        snowpipe_queue_arn=queue_arn,
    )
    third = AwsBootstrap(snow)
    changed = {c.resource: c.action for c in third.apply() if c.changes}
    assert changed == {"IAM role spoon-snowflake": "update", "bucket notification": "create"}
    trust = iam.get_role(RoleName="spoon-snowflake")["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    (stmt,) = trust["Statement"]
    assert stmt["Principal"]["AWS"] == "arn:aws:iam::999999999999:user/abc-sf"
    assert stmt["Condition"]["StringEquals"]["sts:ExternalId"] == "AB12345_SFCRole=1_abcdef="
    notif = s3.get_bucket_notification_configuration(Bucket="willows-spoon-boot")
    (q,) = notif["QueueConfigurations"]
    assert q["QueueArn"] == queue_arn and q["Events"] == ["s3:ObjectCreated:*"]
    rules = {r["Name"].lower(): r["Value"] for r in q["Filter"]["Key"]["FilterRules"]}
    assert rules == {"prefix": "lake/", "suffix": ".parquet"}
    assert not any(c.changes for c in AwsBootstrap(snow).plan())


def test_credentials_for_another_account_are_refused(aws_env: str) -> None:
    from spoon.errors import SpoonError

    with pytest.raises(SpoonError, match="not SPOON_AWS_ACCOUNT_ID=111111111111"):
        AwsBootstrap(_settings(aws_account_id="111111111111")).plan()
