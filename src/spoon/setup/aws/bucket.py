"""The lake bucket's resources: the bucket, its settings, its policy, lifecycle, notification."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from spoon.setup.aws import documents as doc
from spoon.setup.aws.clients import AwsClients
from spoon.setup.aws.state import UNKNOWN, Change, lifecycle_core, norm_filter_rules, same


class BucketResources(AwsClients):
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

    def _setting(
        self,
        resource: str,
        read: Callable[[], Any],
        missing: tuple[str, ...],
        want: Any,
        detail: tuple[str, str],
        put: Callable[[], Any],
    ) -> Change:
        """One bucket setting: `read` gives its value (`want` when right), `put` sets it;
        `detail` says what it is when right, and what a change makes it."""
        have = self._read(read, *missing, "NoSuchBucket")
        if have == want:
            return Change(resource, "none", detail[0])
        action = "update" if isinstance(have, type(want)) else "create"
        return Change(resource, action, detail[1], put)

    def _public_access(self) -> Change:
        want = doc.desired_public_access_block()
        return self._setting(
            "public access block",
            lambda: self.s3.get_public_access_block(Bucket=self.bucket)[
                "PublicAccessBlockConfiguration"
            ],
            ("NoSuchPublicAccessBlockConfiguration",),
            want,
            ("all four blocks on", "block public ACLs and policies"),
            functools.partial(
                self.s3.put_public_access_block,
                Bucket=self.bucket,
                PublicAccessBlockConfiguration=want,
            ),
        )

    def _encryption(self) -> Change:
        def algorithms() -> list[str] | None:  # None: no rule yet
            conf = self.s3.get_bucket_encryption(Bucket=self.bucket)
            rules = conf["ServerSideEncryptionConfiguration"]["Rules"]
            algos = [
                r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for r in rules
            ]
            return algos or None

        return self._setting(
            "default encryption",
            algorithms,
            ("ServerSideEncryptionConfigurationNotFoundError",),
            ["AES256"],
            ("SSE-S3 (AES256)", "SSE-S3"),
            functools.partial(
                self.s3.put_bucket_encryption,
                Bucket=self.bucket,
                ServerSideEncryptionConfiguration={"Rules": [doc.desired_encryption_rule()]},
            ),
        )

    def _versioning(self) -> Change:
        return self._setting(
            "versioning",
            lambda: self.s3.get_bucket_versioning(Bucket=self.bucket).get("Status"),
            (),
            "Enabled",
            ("enabled", "keep earlier versions of overwritten files"),
            functools.partial(
                self.s3.put_bucket_versioning,
                Bucket=self.bucket,
                VersioningConfiguration={"Status": "Enabled"},
            ),
        )

    def _ownership(self) -> Change:
        def owners() -> list[str]:
            conf = self.s3.get_bucket_ownership_controls(Bucket=self.bucket)
            return [r.get("ObjectOwnership") for r in conf["OwnershipControls"]["Rules"]]

        return self._setting(
            "object ownership",
            owners,
            ("OwnershipControlsNotFoundError",),
            [doc.OWNERSHIP],
            (doc.OWNERSHIP, f"{doc.OWNERSHIP} (ACLs disabled)"),
            functools.partial(
                self.s3.put_bucket_ownership_controls,
                Bucket=self.bucket,
                OwnershipControls={"Rules": [{"ObjectOwnership": doc.OWNERSHIP}]},
            ),
        )

    def _policy(self) -> Change:
        raw = self._read(
            lambda: self.s3.get_bucket_policy(Bucket=self.bucket)["Policy"],
            "NoSuchBucketPolicy",
            "NoSuchBucket",
        )
        have = json.loads(raw) if isinstance(raw, str) else None
        want_stmt = doc.tls_statement(self.bucket)
        others = [s for s in (have or {}).get("Statement", []) if s.get("Sid") != doc.POLICY_SID]
        ours = [s for s in (have or {}).get("Statement", []) if s.get("Sid") == doc.POLICY_SID]
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
        want = doc.lifecycle_rule(self.settings)
        ours = [r for r in rules if r.get("ID") == doc.LIFECYCLE_ID]
        detail = (
            f"expire {want['Filter']['Prefix'] or '(all)'}* after "
            f"{self.settings.lake_retention_days} days"
        )
        if len(ours) == 1 and same(lifecycle_core(ours[0]), lifecycle_core(want)):
            return Change("lifecycle rule", "none", detail)
        others = [r for r in rules if r.get("ID") != doc.LIFECYCLE_ID]

        def run() -> None:
            self.s3.put_bucket_lifecycle_configuration(
                Bucket=self.bucket, LifecycleConfiguration={"Rules": [*others, want]}
            )

        return Change("lifecycle rule", "update" if ours else "create", detail, run)

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
        ours = [q for q in queues if q.get("Id") == doc.NOTIFICATION_ID]
        want = doc.queue_configuration(self.settings)
        detail = (
            f"new *.parquet under {doc.prefix_slash(self.settings) or '/'} -> {want['QueueArn']}"
        )
        if len(ours) == 1 and same(norm_filter_rules(ours[0]), want):
            return Change("bucket notification", "none", detail)
        new_conf = dict(conf)
        new_conf["QueueConfigurations"] = [
            *[q for q in queues if q.get("Id") != doc.NOTIFICATION_ID],
            want,
        ]

        def run() -> None:
            self.s3.put_bucket_notification_configuration(
                Bucket=self.bucket, NotificationConfiguration=new_conf
            )

        return Change("bucket notification", "update" if ours else "create", detail, run)
