-- One row per shop (lake namespace) in the warehouse: its name, its currency (every money
-- column of its rows is in it: totals across shops are only summed within one currency) and
-- the time zone its local dates are in.
select
    shop,
    shop_id,
    shop_name,
    currency,
    iana_timezone,
    taxes_included
from {{ ref('int_shop') }}
