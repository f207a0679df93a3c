"""The IAM side: the role Snowflake assumes, Airbyte's writer, their inline policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from spoon.settings import Settings
from spoon.setup.aws import documents as doc
from spoon.setup.aws.clients import AwsClients
from spoon.setup.aws.state import Change, same

#: The inline policies by the kind of their holder: (policy name, its document, what it
#: allows under the lake prefix).
_INLINE_POLICIES: dict[str, tuple[str, Callable[[Settings], dict[str, Any]], str]] = {
    "role": (doc.ROLE_POLICY_NAME, doc.role_policy, "read and list"),
    "user": (doc.WRITER_POLICY_NAME, doc.writer_policy, "put under"),
}


class IamResources(AwsClients):
    def _role(self) -> Change:
        have = self._read(
            lambda: self.iam.get_role(RoleName=self.role_name)["Role"], "NoSuchEntity"
        )
        want = doc.trust_policy(self.settings)
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
            current = have.get("AssumeRolePolicyDocument")
            current = json.loads(current) if isinstance(current, str) else current
            if same(current, want):
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

    def _inline_policy(self, holder: str, holder_name: str) -> Change:
        """The inline policy of the IAM `holder` ("role" or "user") `holder_name`, rewritten
        when it differs."""
        name, document, access = _INLINE_POLICIES[holder]
        want = document(self.settings)
        get = getattr(self.iam, f"get_{holder}_policy")
        put = getattr(self.iam, f"put_{holder}_policy")
        names = {f"{holder.capitalize()}Name": holder_name, "PolicyName": name}
        resource = f"{holder} policy {name}"
        detail = f"{access} s3://{self.bucket}/{doc.prefix_slash(self.settings)} only"
        have = self._read(lambda: get(**names)["PolicyDocument"], "NoSuchEntity")
        have = json.loads(have) if isinstance(have, str) else have
        if isinstance(have, dict) and same(have, want):
            return Change(resource, "none", detail)

        def run() -> None:
            put(**names, PolicyDocument=json.dumps(want))

        return Change(resource, "update" if isinstance(have, dict) else "create", detail, run)

    def _role_policy(self) -> Change:
        return self._inline_policy("role", self.role_name)

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
        return self._inline_policy("user", self.writer_name)
