-- RAW holds what Snowpipe lands (contract 2); ANALYTICS what dbt builds. The environment
-- suffix (none on prod, _DEV on dev) keeps each environment in its own pair of databases.
USE ROLE SYSADMIN;

CREATE DATABASE IF NOT EXISTS {{ raw_db }}
    COMMENT = 'Willow''s Spoon: raw Shopify records, loaded by Snowpipe';
CREATE SCHEMA IF NOT EXISTS {{ raw_db }}.{{ raw_schema }}
    COMMENT = 'One table and one pipe per Airbyte stream';

CREATE DATABASE IF NOT EXISTS {{ analytics_db }}
    COMMENT = 'Willow''s Spoon: dbt models (staging, intermediate, marts)';
{% for schema in analytics_schemas %}
CREATE SCHEMA IF NOT EXISTS {{ analytics_db }}.{{ schema }};
{% endfor %}
