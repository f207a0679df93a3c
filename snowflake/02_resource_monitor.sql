-- A monthly credit quota over the three warehouses: notify at 80 %, suspend at 100 %, and
-- stop running queries at 110 %. Resource monitors are the one thing only ACCOUNTADMIN
-- creates and assigns; nothing uses ACCOUNTADMIN at run time.
USE ROLE ACCOUNTADMIN;

CREATE RESOURCE MONITOR IF NOT EXISTS {{ monitor }} WITH
    CREDIT_QUOTA = {{ credit_quota }}
    FREQUENCY = MONTHLY
    START_TIMESTAMP = IMMEDIATELY
    TRIGGERS
        ON 80 PERCENT DO NOTIFY
        ON 100 PERCENT DO SUSPEND
        ON 110 PERCENT DO SUSPEND_IMMEDIATE;
ALTER RESOURCE MONITOR {{ monitor }} SET CREDIT_QUOTA = {{ credit_quota }};
{% for wh in [loading_wh, transforming_wh, reporting_wh] %}
ALTER WAREHOUSE {{ wh }} SET RESOURCE_MONITOR = {{ monitor }};
{% endfor %}
