-- How to read the lake: Parquet files (contract 1) under the stage URL.
USE ROLE SYSADMIN;

CREATE FILE FORMAT IF NOT EXISTS {{ file_format }}
    TYPE = PARQUET
    USE_LOGICAL_TYPE = TRUE
    BINARY_AS_TEXT = TRUE
    COMMENT = 'Airbyte S3 destination Parquet';

CREATE STAGE IF NOT EXISTS {{ stage }}
    URL = '{{ stage_url }}'
    STORAGE_INTEGRATION = {{ integration }}
    FILE_FORMAT = (FORMAT_NAME = '{{ file_format }}')
    COMMENT = 'The lake: {namespace}/{stream}/{file}.parquet';
