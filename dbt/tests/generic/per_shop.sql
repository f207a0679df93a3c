{#-
  Ids are unique only within a shop (DESIGN.md contract 4): these replace dbt's `unique`
  and `relationships` on ids.
  unique_per_shop: fails on every (shop, value) held by more than one row.
-#}
{% test unique_per_shop(model, column_name) %}
select shop, {{ column_name }} as unique_value, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by shop, {{ column_name }}
having count(*) > 1
{% endtest %}

{#- relationship_per_shop: fails on every row whose value has no row of its own shop in `to`
    with that `field` -#}
{% test relationship_per_shop(model, column_name, to, field) %}
select child.shop, child.{{ column_name }} as orphan_value
from {{ model }} as child
where child.{{ column_name }} is not null
    and not exists (
        select 1
        from {{ to }} as parent
        where parent.shop = child.shop and parent.{{ field }} = child.{{ column_name }}
    )
{% endtest %}
