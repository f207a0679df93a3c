{#- Fails on every row where `expression` is not true (e.g. a money identity). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
