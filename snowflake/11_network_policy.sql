-- The service users log in from the addresses in SPOON_SNOWFLAKE_ALLOWED_IPS only (the VM
-- running the stack; a stolen key is useless elsewhere). Without that setting nothing is
-- rendered here, and `spoon bootstrap snowflake` says so.
USE ROLE SECURITYADMIN;
{% if allowed_ips %}
{% set ips %}{% for ip in allowed_ips %}'{{ ip }}'{{ ", " if not loop.last }}{% endfor %}{% endset %}

CREATE NETWORK POLICY IF NOT EXISTS {{ network_policy }}
    ALLOWED_IP_LIST = ({{ ips }})
    COMMENT = 'Willow''s Spoon service users: the pipeline''s own addresses';

ALTER NETWORK POLICY {{ network_policy }} SET ALLOWED_IP_LIST = ({{ ips }});
{% for u in users %}

ALTER USER {{ u.name }} SET NETWORK_POLICY = {{ network_policy }};
{% endfor %}
{% endif %}
