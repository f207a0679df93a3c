"""`AwsBootstrap`: plan and apply every AWS resource in order; the doctor's S3 check."""

from __future__ import annotations

from collections.abc import Callable

from spoon.errors import SpoonError
from spoon.settings import Settings
from spoon.setup.aws.bucket import BucketResources
from spoon.setup.aws.documents import prefix_slash
from spoon.setup.aws.iam import IamResources
from spoon.setup.aws.state import Change


class AwsBootstrap(BucketResources, IamResources):
    def _steps(self) -> list[Callable[[], Change | None]]:
        """Every resource, in the order they are made (the bucket before its settings)."""
        return [
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
        ]

    def plan(self) -> list[Change]:
        if not self.check_account():
            self.notes.append(
                "no AWS credentials found: showing the full desired state; set AWS_PROFILE "
                "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY to compare with what exists"
            )
        changes = [step() for step in self._steps()]
        return [c for c in changes if c is not None]

    def apply(self, on_change: Callable[[Change], None] | None = None) -> list[Change]:
        if not self.check_account():
            raise SpoonError(
                "no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (an admin of the account), then re-run"
            )
        done: list[Change] = []
        # one resource at a time, re-planned after each, so later checks see earlier work
        for step in self._steps():
            change = step()
            if change is None:
                continue
            if change.changes and change.run is not None:
                change.run()
            done.append(change)
            if on_change:
                on_change(change)
        return done


def doctor_check(settings: Settings) -> str:
    """The bucket is reachable and its lake prefix can be listed."""
    boot = AwsBootstrap(settings)
    if not boot.check_account():
        raise SpoonError("no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID")
    prefix = prefix_slash(settings)
    resp = boot.s3.list_objects_v2(Bucket=settings.s3_bucket, Prefix=prefix, MaxKeys=1)
    return f"s3://{settings.s3_bucket}/{prefix}: reachable ({resp.get('KeyCount', 0)}+ objects)"
