"""`spoon bootstrap aws`: the lake bucket, the IAM role Snowflake assumes, the notification.

Each resource is read, compared with what settings ask for, and only changed when it
differs, so a second run reports no change. `--plan` reads and compares only.

- bucket: public access blocked, default encryption (SSE-S3), TLS-only policy, versioning
  (an overwrite or delete keeps the earlier version), object ownership BucketOwnerEnforced
  (ACLs off: the bucket's account owns every object, whoever wrote it), a lifecycle rule
  expiring landed files, and their earlier versions, after SPOON_LAKE_RETENTION_DAYS
  (Snowflake keeps the copy)
- IAM role: trusted by the storage integration's IAM user with its external id (until
  those are known, by this account with a placeholder id, as Snowflake's guide does),
  allowed to read and list the lake prefix only
- bucket notification: new `.parquet` objects under the prefix go to Snowpipe's queue
- Airbyte's writer: an IAM user whose only policy puts objects under the lake prefix (and
  lists that prefix, as destination-s3's connection check does); its access key is made by
  hand (`aws iam create-access-key`) into SPOON_AIRBYTE_S3_ACCESS_KEY_ID / _SECRET_ACCESS_KEY
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spoon.bootstrap import names as nm
from spoon.errors import SpoonError
from spoon.settings import Settings

POLICY_SID = "SpoonDenyInsecureTransport"
LIFECYCLE_ID = "spoon-expire-landed-files"
NOTIFICATION_ID = "spoon-snowpipe"
ROLE_POLICY_NAME = "spoon-lake-read"
WRITER_POLICY_NAME = "spoon-lake-write"
OWNERSHIP = "BucketOwnerEnforced"
PLACEHOLDER_EXTERNAL_ID = "0000"


class _Unknown:
    """Current state could not be read (no credentials in plan mode)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()


@dataclass
class Change:
    resource: str
    action: str  # create | update | none
    detail: str
    run: Callable[[], None] | None = None

    @property
    def changes(self) -> bool:
        return self.action != "none"

    def line(self) -> str:
        mark = {"create": "+", "update": "~", "none": "="}[self.action]
        return f"{mark} {self.resource}: {self.detail}"


# ---- desired state (pure) -------------------------------------------------------------------
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


def _prefix_slash(settings: Settings) -> str:
    prefix = nm.lake_prefix(settings)
    return f"{prefix}/" if prefix else ""


def lifecycle_rule(settings: Settings) -> dict[str, Any]:
    return {
        "ID": LIFECYCLE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": _prefix_slash(settings)},
        "Expiration": {"Days": settings.lake_retention_days},
        "NoncurrentVersionExpiration": {"NoncurrentDays": settings.lake_retention_days},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }


def trust_policy(settings: Settings) -> dict[str, Any]:
    principal = settings.snowflake_iam_user_arn or f"arn:aws:iam::{settings.aws_account_id}:root"
    external_id = settings.snowflake_external_id or PLACEHOLDER_EXTERNAL_ID
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": principal},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": external_id}},
            }
        ],
    }


def role_policy(settings: Settings) -> dict[str, Any]:
    bucket, prefix = settings.s3_bucket, _prefix_slash(settings)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadLandedFiles",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
            },
            {
                "Sid": "ListLakePrefix",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}},
            },
            {
                "Sid": "LocateBucket",
                "Effect": "Allow",
                "Action": "s3:GetBucketLocation",
                "Resource": f"arn:aws:s3:::{bucket}",
            },
        ],
    }


def writer_policy(settings: Settings) -> dict[str, Any]:
    """Airbyte's S3 destination: put files under the lake prefix, nothing else."""
    bucket, prefix = settings.s3_bucket, _prefix_slash(settings)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PutLandedFiles",
                "Effect": "Allow",
                "Action": [
                    "s3:PutObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                "Resource": f"arn:aws:s3:::{bucket}/{prefix}*",
            },
            {
                "Sid": "ListLakePrefix",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [f"{prefix}*"]}},
            },
        ],
    }


def queue_configuration(settings: Settings) -> dict[str, Any]:
    return {
        "Id": NOTIFICATION_ID,
        "QueueArn": settings.snowpipe_queue_arn,
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {
            "Key": {
                "FilterRules": [
                    {"Name": "prefix", "Value": _prefix_slash(settings)},
                    {"Name": "suffix", "Value": ".parquet"},
                ]
            }
        },
    }


# ---- comparison helpers -----------------------------------------------------------------------
def _norm(value: Any) -> Any:
    """Order-insensitive form of a policy-like document (lists sorted, 1-lists unwrapped)."""
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_norm(v) for v in value]
        if len(items) == 1:
            return items[0]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bool):
        return str(value).lower()
    return value


def same(a: Any, b: Any) -> bool:
    return _norm(a) == _norm(b)


def _norm_filter_rules(conf: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(conf))
    for rule in out.get("Filter", {}).get("Key", {}).get("FilterRules", []):
        rule["Name"] = str(rule["Name"]).lower()  # S3 answers "Prefix" to a "prefix"
    return out


# ---- the plan --------------------------------------------------------------------------------
class AwsBootstrap:
    def __init__(self, settings: Settings, session: Any | None = None) -> None:
        nm.require(
            settings, "s3_bucket", "aws_account_id", why="the lake bucket and its AWS account"
        )
        import boto3

        self.settings = settings
        self.bucket = settings.s3_bucket
        self.role_name = nm.aws_role_name(settings)
        self.writer_name = nm.aws_writer_user_name(settings)
        session = session or boto3.session.Session(region_name=settings.aws_region)
        endpoint = settings.aws_endpoint_url or None
        self.s3 = session.client("s3", endpoint_url=endpoint, region_name=settings.aws_region)
        self.iam = session.client("iam", endpoint_url=endpoint, region_name=settings.aws_region)
        self.sts = session.client("sts", endpoint_url=endpoint, region_name=settings.aws_region)
        self.notes: list[str] = []

    # -- reading -----------------------------------------------------------------------------
    def _read(self, fn: Callable[[], Any], *missing_codes: str) -> Any:
        """Call `fn`; None when the thing does not exist; UNKNOWN without credentials."""
        from botocore.exceptions import ClientError, NoCredentialsError

        try:
            return fn()
        except NoCredentialsError:
            return UNKNOWN
        except ClientError as err:
            code = str(err.response.get("Error", {}).get("Code", ""))
            if code in missing_codes:
                return None
            raise SpoonError(f"AWS refused to read {self.bucket}: {code}: {err}") from None

    def check_account(self) -> bool:
        """False when no credentials; raise when they belong to another account."""
        from botocore.exceptions import NoCredentialsError

        try:
            account = self.sts.get_caller_identity()["Account"]
        except NoCredentialsError:
            return False
        if account != self.settings.aws_account_id:
            raise SpoonError(
                f"AWS credentials are for account {account}, not SPOON_AWS_ACCOUNT_ID="
                f"{self.settings.aws_account_id}; switch AWS_PROFILE or fix the setting"
            )
        return True

    def plan(self) -> list[Change]:
        if not self.check_account():
            self.notes.append(
                "no AWS credentials found: showing the full desired state; set AWS_PROFILE "
                "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY to compare with what exists"
            )
        changes = [
            self._bucket(),
            self._public_access(),
            self._encryption(),
            self._policy(),
            self._versioning(),
            self._ownership(),
            self._lifecycle(),
            self._role(),
            self._role_policy(),
            self._writer(),
            self._writer_policy(),
            self._notification(),
        ]
        return [c for c in changes if c is not None]

    def apply(self, on_change: Callable[[Change], None] | None = None) -> list[Change]:
        if not self.check_account():
            raise SpoonError(
                "no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (an admin of the account), then re-run"
            )
        done: list[Change] = []
        # one resource at a time, re-planned after each, so later checks see earlier work
        for step in (
            self._bucket,
            self._public_access,
            self._encryption,
            self._policy,
            self._versioning,
            self._ownership,
            self._lifecycle,
            self._role,
            self._role_policy,
            self._writer,
            self._writer_policy,
            self._notification,
        ):
            change = step()
            if change is None:
                continue
            if change.changes and change.run is not None:
                change.run()
            done.append(change)
            if on_change:
                on_change(change)
        return done

    # -- resources -----------------------------------------------------------------------------
    def _bucket(self) -> Change:
        exists = self._read(
            lambda: self.s3.head_bucket(Bucket=self.bucket), "404", "NoSuchBucket", "NotFound"
        )
        if exists is not None and exists is not UNKNOWN:
            return Change(f"s3://{self.bucket}", "none", "bucket exists")

        def run() -> None:
            kwargs: dict[str, Any] = {"Bucket": self.bucket}
            if self.settings.aws_region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {
                    "LocationConstraint": self.settings.aws_region
                }
            self.s3.create_bucket(**kwargs)

        return Change(f"s3://{self.bucket}", "create", f"bucket in {self.settings.aws_region}", run)

    def _public_access(self) -> Change:
        want = desired_public_access_block()
        have = self._read(
            lambda: self.s3.get_public_access_block(Bucket=self.bucket)[
                "PublicAccessBlockConfiguration"
            ],
            "NoSuchPublicAccessBlockConfiguration",
            "NoSuchBucket",
        )
        if isinstance(have, dict) and have == want:
            return Change("public access block", "none", "all four blocks on")

        def run() -> None:
            self.s3.put_public_access_block(Bucket=self.bucket, PublicAccessBlockConfiguration=want)

        action = "update" if isinstance(have, dict) else "create"
        return Change("public access block", action, "block public ACLs and policies", run)

    def _encryption(self) -> Change:
        want = desired_encryption_rule()
        have = self._read(
            lambda: self.s3.get_bucket_encryption(Bucket=self.bucket)[
                "ServerSideEncryptionConfiguration"
            ]["Rules"],
            "ServerSideEncryptionConfigurationNotFoundError",
            "NoSuchBucket",
        )
        algos = (
            [r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in have]
            if isinstance(have, list)
            else []
        )
        if algos == ["AES256"]:
            return Change("default encryption", "none", "SSE-S3 (AES256)")

        def run() -> None:
            self.s3.put_bucket_encryption(
                Bucket=self.bucket, ServerSideEncryptionConfiguration={"Rules": [want]}
            )

        return Change("default encryption", "update" if algos else "create", "SSE-S3", run)

    def _policy(self) -> Change:
        raw = self._read(
            lambda: self.s3.get_bucket_policy(Bucket=self.bucket)["Policy"],
            "NoSuchBucketPolicy",
            "NoSuchBucket",
        )
        have = json.loads(raw) if isinstance(raw, str) else None
        want_stmt = tls_statement(self.bucket)
        others = [s for s in (have or {}).get("Statement", []) if s.get("Sid") != POLICY_SID]
        ours = [s for s in (have or {}).get("Statement", []) if s.get("Sid") == POLICY_SID]
        if len(ours) == 1 and same(ours[0], want_stmt):
            return Change("bucket policy", "none", "TLS-only statement present")
        policy = {
            "Version": (have or {}).get("Version", "2012-10-17"),
            "Statement": [*others, want_stmt],
        }

        def run() -> None:
            self.s3.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))

        return Change(
            "bucket policy",
            "update" if have else "create",
            "deny every request without TLS (aws:SecureTransport=false)",
            run,
        )

    def _lifecycle(self) -> Change:
        have = self._read(
            lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=self.bucket)["Rules"],
            "NoSuchLifecycleConfiguration",
            "NoSuchBucket",
        )
        rules = have if isinstance(have, list) else []
        want = lifecycle_rule(self.settings)
        ours = [r for r in rules if r.get("ID") == LIFECYCLE_ID]
        detail = (
            f"expire {want['Filter']['Prefix'] or '(all)'}* after "
            f"{self.settings.lake_retention_days} days"
        )
        if len(ours) == 1 and same(_lifecycle_core(ours[0]), _lifecycle_core(want)):
            return Change("lifecycle rule", "none", detail)
        others = [r for r in rules if r.get("ID") != LIFECYCLE_ID]

        def run() -> None:
            self.s3.put_bucket_lifecycle_configuration(
                Bucket=self.bucket, LifecycleConfiguration={"Rules": [*others, want]}
            )

        return Change("lifecycle rule", "update" if ours else "create", detail, run)

    def _role(self) -> Change:
        have = self._read(
            lambda: self.iam.get_role(RoleName=self.role_name)["Role"], "NoSuchEntity"
        )
        want = trust_policy(self.settings)
        if not self.settings.snowflake_iam_user_arn:
            self.notes.append(
                "SPOON_SNOWFLAKE_IAM_USER_ARN / SPOON_SNOWFLAKE_EXTERNAL_ID not set: the role "
                "trusts this account with a placeholder id until `spoon bootstrap snowflake` "
                "prints them; set them and re-run"
            )
        detail = (
            f"trusts {want['Statement'][0]['Principal']['AWS']} with external id "
            f"{want['Statement'][0]['Condition']['StringEquals']['sts:ExternalId']}"
        )
        if isinstance(have, dict):
            doc = have.get("AssumeRolePolicyDocument")
            doc = json.loads(doc) if isinstance(doc, str) else doc
            if same(doc, want):
                return Change(f"IAM role {self.role_name}", "none", detail)

            def update() -> None:
                self.iam.update_assume_role_policy(
                    RoleName=self.role_name, PolicyDocument=json.dumps(want)
                )

            return Change(f"IAM role {self.role_name}", "update", detail, update)

        def create() -> None:
            self.iam.create_role(
                RoleName=self.role_name,
                AssumeRolePolicyDocument=json.dumps(want),
                Description="Willow's Spoon: Snowflake reads the lake",
                MaxSessionDuration=3600,
            )

        return Change(f"IAM role {self.role_name}", "create", detail, create)

    def _role_policy(self) -> Change:
        have = self._read(
            lambda: self.iam.get_role_policy(RoleName=self.role_name, PolicyName=ROLE_POLICY_NAME)[
                "PolicyDocument"
            ],
            "NoSuchEntity",
        )
        have = json.loads(have) if isinstance(have, str) else have
        want = role_policy(self.settings)
        detail = f"read and list s3://{self.bucket}/{_prefix_slash(self.settings)} only"
        if isinstance(have, dict) and same(have, want):
            return Change(f"role policy {ROLE_POLICY_NAME}", "none", detail)

        def run() -> None:
            self.iam.put_role_policy(
                RoleName=self.role_name,
                PolicyName=ROLE_POLICY_NAME,
                PolicyDocument=json.dumps(want),
            )

        return Change(
            f"role policy {ROLE_POLICY_NAME}",
            "update" if isinstance(have, dict) else "create",
            detail,
            run,
        )

    def _versioning(self) -> Change:
        have = self._read(
            lambda: self.s3.get_bucket_versioning(Bucket=self.bucket).get("Status"),
            "NoSuchBucket",
        )
        if have == "Enabled":
            return Change("versioning", "none", "enabled")

        def run() -> None:
            self.s3.put_bucket_versioning(
                Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"}
            )

        action = "update" if isinstance(have, str) else "create"
        return Change("versioning", action, "keep earlier versions of overwritten files", run)

    def _ownership(self) -> Change:
        have = self._read(
            lambda: [
                r.get("ObjectOwnership")
                for r in self.s3.get_bucket_ownership_controls(Bucket=self.bucket)[
                    "OwnershipControls"
                ]["Rules"]
            ],
            "OwnershipControlsNotFoundError",
            "NoSuchBucket",
        )
        if have == [OWNERSHIP]:
            return Change("object ownership", "none", OWNERSHIP)

        def run() -> None:
            self.s3.put_bucket_ownership_controls(
                Bucket=self.bucket,
                OwnershipControls={"Rules": [{"ObjectOwnership": OWNERSHIP}]},
            )

        action = "update" if isinstance(have, list) else "create"
        return Change("object ownership", action, f"{OWNERSHIP} (ACLs disabled)", run)

    def _writer(self) -> Change:
        have = self._read(
            lambda: self.iam.get_user(UserName=self.writer_name)["User"], "NoSuchEntity"
        )
        resource = f"IAM user {self.writer_name}"
        if isinstance(have, dict):
            return Change(resource, "none", "Airbyte's S3 writer exists")

        def run() -> None:
            self.iam.create_user(UserName=self.writer_name)
            self.notes.append(
                f"make its access key by hand: aws iam create-access-key --user-name "
                f"{self.writer_name}; put it in SPOON_AIRBYTE_S3_ACCESS_KEY_ID / "
                "SPOON_AIRBYTE_S3_SECRET_ACCESS_KEY and run `make airbyte-apply`"
            )

        return Change(resource, "create", "Airbyte's S3 writer", run)

    def _writer_policy(self) -> Change:
        have = self._read(
            lambda: self.iam.get_user_policy(
                UserName=self.writer_name, PolicyName=WRITER_POLICY_NAME
            )["PolicyDocument"],
            "NoSuchEntity",
        )
        have = json.loads(have) if isinstance(have, str) else have
        want = writer_policy(self.settings)
        detail = f"put under s3://{self.bucket}/{_prefix_slash(self.settings)} only"
        resource = f"user policy {WRITER_POLICY_NAME}"
        if isinstance(have, dict) and same(have, want):
            return Change(resource, "none", detail)

        def run() -> None:
            self.iam.put_user_policy(
                UserName=self.writer_name,
                PolicyName=WRITER_POLICY_NAME,
                PolicyDocument=json.dumps(want),
            )

        return Change(resource, "update" if isinstance(have, dict) else "create", detail, run)

    def _notification(self) -> Change | None:
        if not self.settings.snowpipe_queue_arn:
            self.notes.append(
                "SPOON_SNOWPIPE_QUEUE_ARN not set: no bucket notification yet; "
                "`spoon bootstrap snowflake` prints it, then re-run"
            )
            return None
        have = self._read(
            lambda: self.s3.get_bucket_notification_configuration(Bucket=self.bucket),
            "NoSuchBucket",
        )
        conf = have if isinstance(have, dict) else {}
        conf = {k: v for k, v in conf.items() if k != "ResponseMetadata"}
        queues = conf.get("QueueConfigurations", [])
        ours = [q for q in queues if q.get("Id") == NOTIFICATION_ID]
        want = queue_configuration(self.settings)
        detail = f"new *.parquet under {_prefix_slash(self.settings) or '/'} -> {want['QueueArn']}"
        if len(ours) == 1 and same(_norm_filter_rules(ours[0]), want):
            return Change("bucket notification", "none", detail)
        new_conf = dict(conf)
        new_conf["QueueConfigurations"] = [
            *[q for q in queues if q.get("Id") != NOTIFICATION_ID],
            want,
        ]

        def run() -> None:
            self.s3.put_bucket_notification_configuration(
                Bucket=self.bucket, NotificationConfiguration=new_conf
            )

        return Change("bucket notification", "update" if ours else "create", detail, run)


def _lifecycle_core(rule: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "ID",
        "Status",
        "Filter",
        "Expiration",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    )
    core = {k: rule.get(k) for k in keys}
    flt = core.get("Filter") or {}
    if "Prefix" in rule and not flt:  # legacy top-level prefix
        core["Filter"] = {"Prefix": rule["Prefix"]}
    return core


def doctor_check(settings: Settings) -> str:
    """The bucket is reachable and its lake prefix can be listed."""
    boot = AwsBootstrap(settings)
    if not boot.check_account():
        raise SpoonError("no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID")
    prefix = _prefix_slash(settings)
    resp = boot.s3.list_objects_v2(Bucket=settings.s3_bucket, Prefix=prefix, MaxKeys=1)
    return f"s3://{settings.s3_bucket}/{prefix}: reachable ({resp.get('KeyCount', 0)}+ objects)"
