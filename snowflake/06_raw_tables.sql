-- Contract 2: one table per stream holding the whole source row as VARIANT plus where and
-- when it was loaded. Landing whole rows keeps loads alive through schema drift.
USE ROLE SYSADMIN;
{% for stream in streams %}
CREATE TABLE IF NOT EXISTS {{ raw_db }}.{{ raw_schema }}.{{ stream | upper }} (
    record VARIANT NOT NULL COMMENT 'The whole source record',
    _airbyte_raw_id VARCHAR COMMENT 'Airbyte''s id of this copy of the record',
    _airbyte_extracted_at TIMESTAMP_NTZ COMMENT 'When Airbyte read it from Shopify (UTC)',
    _file_name VARCHAR NOT NULL COMMENT 'Lake file, relative to the stage',
    _loaded_at TIMESTAMP_NTZ NOT NULL COMMENT 'When Snowpipe loaded it (UTC)'
)
COMMENT = 'Raw Shopify stream {{ stream }} (append-only)';
{% endfor %}
