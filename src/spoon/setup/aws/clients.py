"""The AWS clients of `spoon bootstrap aws`, and how it reads what exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spoon import names as nm
from spoon.errors import SpoonError
from spoon.settings import Settings
from spoon.setup.aws.state import UNKNOWN


class AwsClients:
    """S3, IAM and STS clients for the settings' account, and the notes a run leaves."""

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
