-- The storage integration lets Snowflake read the lake bucket through an IAM role, without
-- keys. Never CREATE OR REPLACE it: that would mint a new external id and break the role's
-- trust. `spoon bootstrap snowflake` prints the IAM user ARN and external id it needs.
USE ROLE ACCOUNTADMIN;

CREATE STORAGE INTEGRATION IF NOT EXISTS {{ integration }}
    TYPE = EXTERNAL_STAGE
    STORAGE_PROVIDER = 'S3'
    ENABLED = TRUE
    STORAGE_AWS_ROLE_ARN = '{{ aws_role_arn }}'
    STORAGE_ALLOWED_LOCATIONS = ('{{ stage_url }}')
    COMMENT = 'Willow''s Spoon: the lake bucket';
ALTER STORAGE INTEGRATION {{ integration }} SET
    ENABLED = TRUE
    STORAGE_AWS_ROLE_ARN = '{{ aws_role_arn }}'
    STORAGE_ALLOWED_LOCATIONS = ('{{ stage_url }}');

GRANT USAGE ON INTEGRATION {{ integration }} TO ROLE SYSADMIN;
