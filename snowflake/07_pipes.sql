-- One auto-ingest pipe per shop (lake namespace, SPOON_LAKE_NAMESPACES) and stream, all into
-- the stream's one raw table (the namespace is in _file_name): `{STREAM}_PIPE` for the
-- default shop (SPOON_LAKE_NAMESPACE), `{NAMESPACE}_{STREAM}_PIPE` for the others.
-- S3 notifies the pipe's queue when Airbyte lands a file
-- and Snowpipe copies it once. A pipe's COPY cannot be altered: to change it, drop the pipe
-- and re-run this file (Snowpipe's load history keeps loaded files from loading twice).
-- Only `.parquet` objects reach a pipe: the bucket notification filters on that suffix.
USE ROLE SYSADMIN;
{% for pipe in pipes %}
CREATE PIPE IF NOT EXISTS {{ raw_db }}.{{ raw_schema }}.{{ pipe.name }}
    AUTO_INGEST = TRUE
    COMMENT = 'Loads {{ pipe.namespace }}/{{ pipe.stream }}/*.parquet'
AS
COPY INTO {{ pipe.table }}
    (record, _airbyte_raw_id, _airbyte_extracted_at, _file_name, _loaded_at)
FROM (
    SELECT
        $1,
        $1:_airbyte_raw_id::VARCHAR,
        $1:_airbyte_extracted_at::TIMESTAMP_NTZ,
        METADATA$FILENAME,
        CONVERT_TIMEZONE('UTC', METADATA$START_SCAN_TIME)::TIMESTAMP_NTZ
    FROM @{{ stage }}/{{ pipe.namespace }}/{{ pipe.stream }}/
)
FILE_FORMAT = (FORMAT_NAME = '{{ file_format }}');
{% endfor %}
