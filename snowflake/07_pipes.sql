-- One auto-ingest pipe per stream: S3 notifies the pipe's queue when Airbyte lands a file
-- and Snowpipe copies it once. A pipe's COPY cannot be altered: to change it, drop the pipe
-- and re-run this file (Snowpipe's load history keeps loaded files from loading twice).
-- Only `.parquet` objects reach a pipe: the bucket notification filters on that suffix.
USE ROLE SYSADMIN;
{% for stream in streams %}
CREATE PIPE IF NOT EXISTS {{ raw_db }}.{{ raw_schema }}.{{ stream | upper }}_PIPE
    AUTO_INGEST = TRUE
    COMMENT = 'Loads {{ namespace }}/{{ stream }}/*.parquet'
AS
COPY INTO {{ raw_db }}.{{ raw_schema }}.{{ stream | upper }}
    (record, _airbyte_raw_id, _airbyte_extracted_at, _file_name, _loaded_at)
FROM (
    SELECT
        $1,
        $1:_airbyte_raw_id::VARCHAR,
        $1:_airbyte_extracted_at::TIMESTAMP_NTZ,
        METADATA$FILENAME,
        CONVERT_TIMEZONE('UTC', METADATA$START_SCAN_TIME)::TIMESTAMP_NTZ
    FROM @{{ stage }}/{{ namespace }}/{{ stream }}/
)
FILE_FORMAT = (FORMAT_NAME = '{{ file_format }}');
{% endfor %}
