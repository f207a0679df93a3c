-- Least privilege, granted by SECURITYADMIN. Future grants cover what dbt and this
-- bootstrap create later, so nobody re-runs grants after a deploy.
--   LOADER       writes RAW only (and watches and refreshes its pipes)
--   TRANSFORMER  reads RAW, owns the ANALYTICS schemas dbt builds
--   REPORTER     reads the marts only
USE ROLE SECURITYADMIN;

-- LOADER ---------------------------------------------------------------------------------
GRANT USAGE ON WAREHOUSE {{ loading_wh }} TO ROLE {{ loader_role }};
GRANT USAGE ON DATABASE {{ raw_db }} TO ROLE {{ loader_role }};
GRANT USAGE ON SCHEMA {{ raw_db }}.{{ raw_schema }} TO ROLE {{ loader_role }};
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {{ raw_db }}.{{ raw_schema }}
    TO ROLE {{ loader_role }};
GRANT SELECT, INSERT ON FUTURE TABLES IN SCHEMA {{ raw_db }}.{{ raw_schema }}
    TO ROLE {{ loader_role }};
GRANT USAGE ON STAGE {{ stage }} TO ROLE {{ loader_role }};
GRANT USAGE ON FILE FORMAT {{ file_format }} TO ROLE {{ loader_role }};
{% for pipe in pipes %}
GRANT MONITOR, OPERATE ON PIPE {{ raw_db }}.{{ raw_schema }}.{{ pipe.name }}
    TO ROLE {{ loader_role }};
{% endfor %}

-- TRANSFORMER ----------------------------------------------------------------------------
GRANT USAGE ON WAREHOUSE {{ transforming_wh }} TO ROLE {{ transformer_role }};
GRANT USAGE ON DATABASE {{ raw_db }} TO ROLE {{ transformer_role }};
GRANT USAGE ON SCHEMA {{ raw_db }}.{{ raw_schema }} TO ROLE {{ transformer_role }};
GRANT SELECT ON ALL TABLES IN SCHEMA {{ raw_db }}.{{ raw_schema }}
    TO ROLE {{ transformer_role }};
GRANT SELECT ON FUTURE TABLES IN SCHEMA {{ raw_db }}.{{ raw_schema }}
    TO ROLE {{ transformer_role }};
GRANT USAGE, CREATE SCHEMA ON DATABASE {{ analytics_db }} TO ROLE {{ transformer_role }};
{% for schema in analytics_schemas %}
GRANT OWNERSHIP ON SCHEMA {{ analytics_db }}.{{ schema }} TO ROLE {{ transformer_role }}
    COPY CURRENT GRANTS;
{% endfor %}

-- REPORTER -------------------------------------------------------------------------------
GRANT USAGE ON WAREHOUSE {{ reporting_wh }} TO ROLE {{ reporter_role }};
GRANT USAGE ON DATABASE {{ analytics_db }} TO ROLE {{ reporter_role }};
GRANT USAGE ON SCHEMA {{ analytics_db }}.MARTS TO ROLE {{ reporter_role }};
GRANT SELECT ON ALL TABLES IN SCHEMA {{ analytics_db }}.MARTS TO ROLE {{ reporter_role }};
GRANT SELECT ON ALL VIEWS IN SCHEMA {{ analytics_db }}.MARTS TO ROLE {{ reporter_role }};
GRANT SELECT ON FUTURE TABLES IN SCHEMA {{ analytics_db }}.MARTS TO ROLE {{ reporter_role }};
GRANT SELECT ON FUTURE VIEWS IN SCHEMA {{ analytics_db }}.MARTS TO ROLE {{ reporter_role }};
-- AUDIT: the build log (the dashboard's freshness) and the rejected records (ids, fields,
-- reasons; no customer data)
GRANT USAGE ON SCHEMA {{ analytics_db }}.AUDIT TO ROLE {{ reporter_role }};
GRANT SELECT ON ALL TABLES IN SCHEMA {{ analytics_db }}.AUDIT TO ROLE {{ reporter_role }};
GRANT SELECT ON FUTURE TABLES IN SCHEMA {{ analytics_db }}.AUDIT TO ROLE {{ reporter_role }};
