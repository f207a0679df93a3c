{#-
  Several shops in one warehouse (DESIGN.md contract 4, docs/metrics.md "Several shops").
  Each shop syncs into its own lake namespace, and every raw row says which file it came
  from: `_file_name` is `<namespace>/<stream>/<file>.parquet` (the loader and Snowpipe
  both keep it relative to the lake root). `shop_of('_file_name')` is that namespace, the
  `shop` column of every model; staging derives it, every other model carries it through.
  Ids are unique only within a shop: every key and join is (shop, id).
-#}
{% macro shop_of(file_name) -%}
  split_part({{ file_name }}, '/', 1)
{%- endmacro %}

{#- The namespace of a single-shop install (SPOON_LAKE_NAMESPACES' default) -#}
{% macro default_shop() -%}
  {{ return(var('default_shop', 'shopify')) }}
{%- endmacro %}

{#-
  A surrogate key unique across shops: surrogate_key of the shop and `values`. The default
  shop's keys leave the shop out, so a single-shop install keeps every key it had before
  shops existed (md5 of `values` alone); another shop's keys have one part more and so
  never equal one of them.
-#}
{% macro shop_surrogate_key(shop, values) -%}
  case
    when {{ shop }} = '{{ default_shop() }}' then {{ surrogate_key(values) }}
    else {{ surrogate_key([shop] + values) }}
  end
{%- endmacro %}
