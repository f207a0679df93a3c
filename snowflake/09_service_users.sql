-- One service user per workload: TYPE = SERVICE (no password, no MFA prompts, no UI
-- login), RSA key-pair authentication only. `spoon bootstrap keygen` makes the keys; the
-- private halves never leave the machine that runs the pipeline.
USE ROLE USERADMIN;
{% for u in users %}
CREATE USER IF NOT EXISTS {{ u.name }}
    TYPE = SERVICE
    DEFAULT_ROLE = {{ u.role }}
    DEFAULT_WAREHOUSE = {{ u.warehouse }}
    RSA_PUBLIC_KEY = '{{ u.public_key }}'
    COMMENT = 'Willow''s Spoon service user ({{ u.role }})';
ALTER USER {{ u.name }} SET
    TYPE = SERVICE
    DEFAULT_ROLE = {{ u.role }}
    DEFAULT_WAREHOUSE = {{ u.warehouse }}
    RSA_PUBLIC_KEY = '{{ u.public_key }}';
{% endfor %}

USE ROLE SECURITYADMIN;
{% for u in users %}
GRANT ROLE {{ u.role }} TO USER {{ u.name }};
{% endfor %}
