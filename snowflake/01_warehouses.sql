-- One X-Small warehouse per workload: suspended until used, suspended again after 60 s idle.
-- CREATE ... IF NOT EXISTS keeps a warehouse that exists; the ALTER brings back the settings
-- below if someone changed them by hand (re-running changes nothing otherwise).
USE ROLE SYSADMIN;
{% set workloads = [
    (loading_wh, 'loading'), (transforming_wh, 'dbt'), (reporting_wh, 'reporting')
] %}
{% for wh, role_comment in workloads %}
CREATE WAREHOUSE IF NOT EXISTS {{ wh }}
    WAREHOUSE_SIZE = XSMALL
    AUTO_SUSPEND = 60
    AUTO_RESUME = TRUE
    INITIALLY_SUSPENDED = TRUE
    COMMENT = 'Willow''s Spoon: {{ role_comment }}';
ALTER WAREHOUSE {{ wh }} SET
    WAREHOUSE_SIZE = XSMALL
    AUTO_SUSPEND = 60
    AUTO_RESUME = TRUE;
{% endfor %}
