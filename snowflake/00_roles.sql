-- Roles of the three workloads, created by USERADMIN and rolled up under SYSADMIN so the
-- account's administrators keep control of everything they own. Nothing runs as ACCOUNTADMIN.
USE ROLE USERADMIN;

CREATE ROLE IF NOT EXISTS {{ loader_role }}
    COMMENT = 'Willow''s Spoon: Snowpipe loads and the load step (writes RAW only)';
CREATE ROLE IF NOT EXISTS {{ transformer_role }}
    COMMENT = 'Willow''s Spoon: dbt (reads RAW, builds ANALYTICS)';
CREATE ROLE IF NOT EXISTS {{ reporter_role }}
    COMMENT = 'Willow''s Spoon: dashboard and analysts (reads marts only)';

USE ROLE SECURITYADMIN;

GRANT ROLE {{ loader_role }} TO ROLE SYSADMIN;
GRANT ROLE {{ transformer_role }} TO ROLE SYSADMIN;
GRANT ROLE {{ reporter_role }} TO ROLE SYSADMIN;
