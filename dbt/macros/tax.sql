{#-
  Prices that include tax (docs/metrics.md, "Prices that include tax").

  `included_tax(amount, rate)`: the tax a tax-inclusive `amount` holds at `rate` (a fraction,
  e.g. 0.19), amount × rate / (1 + rate) rounded half away from zero to the cent, computed
  exactly: the rate is taken to six decimals (Shopify's rates have at most four) and the
  division is integer arithmetic (exact_divide), never a float. NULL rate: NULL.
-#}
{% macro included_tax(amount, rate) -%}
  {%- set micro = 'cast(round((' ~ rate ~ ') * 1000000) as bigint)' -%}
  {{ exact_divide('(' ~ amount ~ ') * ' ~ micro, '1000000 + ' ~ micro, 2) }}
{%- endmacro %}

{#-
  `tax_share(tax, part, whole)`: the share of `tax` that belongs to `part` of `whole`,
  tax × part / whole to the cent (exactly); NULL when whole is 0 or NULL. Used when a line
  carries tax but no rate: the tax is on (price − discounts), so the price's share of it is
  tax × price / (price − discounts).
-#}
{% macro tax_share(tax, part, whole) -%}
  {{ exact_divide('(' ~ tax ~ ') * round((' ~ part ~ ') * 100)', '(' ~ whole ~ ') * 100', 2) }}
{%- endmacro %}
