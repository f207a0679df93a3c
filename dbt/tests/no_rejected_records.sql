{{ config(severity='warn') }}
-- Raw records that could not be typed (audit.rejected_records, macros/rejects.sql): staging
-- left them out; a warning, not an error, so the rest of the shop's figures still build.
-- (A currency mismatch is an error: assert_orders_are_in_their_shop_currency.)
select shop, stream, record_id, field, reason, _file_name, _airbyte_raw_id
from {{ ref('audit_rejected_records') }}
where reason not like 'currency %'
