-- Customer PII in RAW is readable by this environment's LOADER and TRANSFORMER only (and
-- the roles above them). Every other role, the pull requests' TRANSFORMER_CI included,
-- reads each raw record with e-mails, phone numbers, names, street addresses, notes and IPs
-- removed; ids, dates, amounts, countries, provinces and cities stay, so the models build.
-- One policy on the `record` column of every raw table (FORCE: re-running replaces it).
USE ROLE SYSADMIN;
{% set person = ["email", "phone", "first_name", "last_name", "name", "note",
                 "default_address", "addresses", "multipass_identifier"] %}
{% set address = ["first_name", "last_name", "name", "address1", "address2", "phone",
                  "company", "latitude", "longitude"] %}
{% set top = ["email", "contact_email", "phone", "note", "browser_ip", "client_details",
              "first_name", "last_name", "addresses", "multipass_identifier", "customer",
              "billing_address", "shipping_address", "default_address"] %}
{% macro quoted(keys) %}
{%- for k in keys %}'{{ k }}'{{ ", " if not loop.last }}{% endfor -%}
{% endmacro %}
{% macro scrubbed(field, keys) %}
IFF(IS_OBJECT(val:{{ field }}), OBJECT_DELETE(val:{{ field }}::OBJECT, {{ quoted(keys) }}), NULL)
{% endmacro %}
{% macro body() %}
    CASE
        WHEN IS_ROLE_IN_SESSION('{{ loader_role }}') THEN val
        WHEN IS_ROLE_IN_SESSION('{{ transformer_role }}') THEN val
        WHEN NOT IS_OBJECT(val) THEN val
        ELSE OBJECT_INSERT(OBJECT_INSERT(OBJECT_INSERT(OBJECT_INSERT(
            OBJECT_DELETE(val::OBJECT, {{ quoted(top) }}),
            'customer', {{ scrubbed("customer", person) }}),
            'billing_address', {{ scrubbed("billing_address", address) }}),
            'shipping_address', {{ scrubbed("shipping_address", address) }}),
            'default_address', {{ scrubbed("default_address", address) }})::VARIANT
    END
{% endmacro %}

CREATE MASKING POLICY IF NOT EXISTS {{ raw_db }}.{{ raw_schema }}.PII_SCRUBBED
    AS (val VARIANT) RETURNS VARIANT ->  -- noqa: LT01
{{ body() }}
    COMMENT = 'Willow''s Spoon: raw records without customer PII but for LOADER, TRANSFORMER';

-- keeps the body current when this file changes (CREATE ... IF NOT EXISTS would not)
ALTER MASKING POLICY {{ raw_db }}.{{ raw_schema }}.PII_SCRUBBED SET BODY ->
{{ body() }};
{% for stream in streams %}

ALTER TABLE {{ raw_db }}.{{ raw_schema }}.{{ stream | upper }}
    MODIFY COLUMN record SET MASKING POLICY {{ raw_db }}.{{ raw_schema }}.PII_SCRUBBED FORCE;
{% endfor %}
