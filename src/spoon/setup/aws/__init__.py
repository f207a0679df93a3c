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

from spoon.setup.aws.bootstrap import AwsBootstrap, doctor_check
from spoon.setup.aws.documents import WRITER_POLICY_NAME

__all__ = ["WRITER_POLICY_NAME", "AwsBootstrap", "doctor_check"]
