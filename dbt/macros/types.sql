{#- Fixed-point money in the shop's currency. Never a float. -#}
{% macro money_type() -%}
  {{ return(adapter.dispatch('money_type', 'willows_spoon')()) }}
{%- endmacro %}

{% macro default__money_type() -%}decimal(18, 2){%- endmacro %}

{% macro snowflake__money_type() -%}number(18, 2){%- endmacro %}

{% macro money(expr) -%}
  cast({{ expr }} as {{ money_type() }})
{%- endmacro %}

{#- zero for NULL, as money -#}
{% macro money0(expr) -%}
  cast(coalesce({{ expr }}, 0) as {{ money_type() }})
{%- endmacro %}

{#-
  num / den rounded half away from zero to `scale` decimals, computed exactly with integer
  arithmetic (DuckDB would divide decimals as doubles). num and den have at most two
  decimals (money or counts). NULL when den is 0 or NULL.
-#}
{% macro exact_divide(num, den, scale=2) -%}
  {%- set n = 'cast(round((' ~ num ~ ') * 100) as bigint)' -%}
  {%- set d = 'cast(round((' ~ den ~ ') * 100) as bigint)' -%}
  {%- set x = '(abs(' ~ n ~ ') * ' ~ (2 * 10 ** scale) ~ ' + abs(' ~ d ~ '))' -%}
  {%- set y = '(2 * abs(' ~ d ~ '))' -%}
  case
    when ({{ den }}) is null or ({{ den }}) = 0 or ({{ num }}) is null then null
    else cast(
      cast(
        sign({{ n }}) * sign({{ d }}) * (({{ x }} - mod({{ x }}, {{ y }})) / {{ y }})
        as decimal(38, 0)
      ) * cast({{ '1e-%d' % scale if scale > 0 else '1' }} as decimal(18, {{ scale }}))
      as decimal(18, {{ scale }})
    )
  end
{%- endmacro %}
