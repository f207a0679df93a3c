-- RAW holds what Snowpipe lands (contract 2); ANALYTICS what dbt builds. The environment
-- suffix (none on prod, _DEV on dev) keeps each environment in its own pair of databases.
-- Every schema is a managed-access schema: only its owner (or SECURITYADMIN) grants on
-- what is in it, so a role owning a table cannot hand it to anyone else.
USE ROLE SYSADMIN;

CREATE DATABASE IF NOT EXISTS {{ raw_db }}
    COMMENT = 'Willow''s Spoon: raw Shopify records, loaded by Snowpipe';
CREATE SCHEMA IF NOT EXISTS {{ raw_db }}.{{ raw_schema }}
    COMMENT = 'One table and one pipe per Airbyte stream';
ALTER SCHEMA {{ raw_db }}.{{ raw_schema }} ENABLE MANAGED ACCESS;

CREATE DATABASE IF NOT EXISTS {{ analytics_db }}
    COMMENT = 'Willow''s Spoon: dbt models (staging, intermediate, marts)';
{% for schema in analytics_schemas %}
CREATE SCHEMA IF NOT EXISTS {{ analytics_db }}.{{ schema }};
ALTER SCHEMA {{ analytics_db }}.{{ schema }} ENABLE MANAGED ACCESS;
{% endfor %}
