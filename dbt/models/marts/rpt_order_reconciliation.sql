-- Our figures against what Shopify itself says, per order and metric (docs/metrics.md,
-- "Reconciliation with Shopify"):
--   shopify_ledger        per order and shop-local day, against Shopify's own sales ledger
--                         (the order_agreements stream: one sale per line and action)
--   order_current_totals  per order, against the order's own current_* totals (less tips)
-- status: agrees (to the cent), differs, or not comparable (with the reason). Rows where
-- both sides are zero are left out. Differences are reported, never hidden: the dbt test
-- assert_orders_reconcile_with_shopify warns on every `differs` row. Per shop: each shop's
-- orders against its own ledger, on its own local days.
{%- set metrics = [
    'gross_sales', 'discounts', 'returns', 'net_sales', 'shipping', 'duties', 'taxes',
    'total_sales', 'tips',
] %}
with orders as (
    select
        shop,
        order_id,
        order_name,
        order_date,
        is_cancelled,
        total_tip_received,
        current_total_price,
        current_total_tax,
        current_total_duties,
        current_total_additional_fees
    from {{ ref('int_orders') }}
    where not is_excluded
),

shop as (
    select shop, iana_timezone from {{ ref('int_shop') }}
),

ledger_orders as (
    select distinct shop, order_id from {{ ref('stg_shopify__order_agreements') }}
),

ledger_sales as (
    select
        sales.*,
        {{ to_local_date('sales.happened_at', 'shop.iana_timezone') }} as date_day
    from {{ ref('int_order_agreement_sales') }} as sales
    inner join orders on sales.shop = orders.shop and sales.order_id = orders.order_id
    inner join shop on sales.shop = shop.shop
),

-- Shopify's figures from its ledger: a sale's amount is after discounts and includes its
-- tax; returns are negative sales
ledger_daily as (
    select
        shop,
        order_id,
        date_day,
        sum(case
            when line_type = 'PRODUCT' and action_type <> 'RETURN'
                then total_amount - tax_amount + discount_before_taxes
            else 0
        end) as gross_sales,
        sum(case
            when line_type = 'PRODUCT' and action_type <> 'RETURN' then discount_before_taxes
            else 0
        end) as discounts,
        sum(case
            when (line_type = 'PRODUCT' and action_type = 'RETURN') or line_type = 'ADJUSTMENT'
                then tax_amount - total_amount
            else 0
        end) as returns,
        sum(case when line_type = 'SHIPPING' then total_amount - tax_amount else 0 end)
            as shipping,
        sum(case when line_type = 'DUTY' then total_amount - tax_amount else 0 end) as duties,
        sum(case
            when line_type in ('PRODUCT', 'SHIPPING', 'DUTY', 'ADJUSTMENT') then tax_amount
            else 0
        end) as taxes,
        sum(case when line_type = 'TIP' then total_amount else 0 end) as tips,
        max(case
            when line_type not in ('PRODUCT', 'SHIPPING', 'DUTY', 'ADJUSTMENT', 'TIP', 'GIFT_CARD')
                then coalesce(line_type, 'none')
        end) as unmodelled_line_type
    from ledger_sales
    group by shop, order_id, date_day
),

ours_daily as (
    select
        shop,
        order_id,
        event_date as date_day,
        sum(gross_sales) as gross_sales,
        sum(discounts) as discounts,
        sum(returns) as returns,
        sum(shipping) as shipping,
        sum(duties) as duties,
        sum(taxes) as taxes,
        sum(tips) as tips
    from {{ ref('fct_sales') }}
    group by shop, order_id, event_date
),

daily as (
    select
        coalesce(ours.shop, ledger.shop) as shop,
        coalesce(ours.order_id, ledger.order_id) as order_id,
        coalesce(ours.date_day, ledger.date_day) as date_day,
        {#- the base metrics (not `metrics`: a set here would replace the list above) -#}
        {%- set base_metrics = [
            'gross_sales', 'discounts', 'returns', 'shipping', 'duties', 'taxes', 'tips'
        ] %}
        {%- for m in base_metrics %}
        coalesce(ours.{{ m }}, 0) as our_{{ m }},
        coalesce(ledger.{{ m }}, 0) as shopify_{{ m }},
        {%- endfor %}
        ledger.unmodelled_line_type
    from ours_daily as ours
    full outer join ledger_daily as ledger
        on ours.shop = ledger.shop
        and ours.order_id = ledger.order_id
        and ours.date_day = ledger.date_day
    where (coalesce(ours.shop, ledger.shop), coalesce(ours.order_id, ledger.order_id))
        in (select shop, order_id from ledger_orders)
),

daily_metrics as (
    select
        *,
        our_gross_sales - our_discounts - our_returns as our_net_sales,
        shopify_gross_sales - shopify_discounts - shopify_returns as shopify_net_sales,
        our_gross_sales - our_discounts - our_returns + our_shipping + our_duties + our_taxes
            as our_total_sales,
        shopify_gross_sales - shopify_discounts - shopify_returns + shopify_shipping
        + shopify_duties + shopify_taxes as shopify_total_sales
    from daily
),

ledger_rows as (
    {%- for m in metrics %}
    select
        shop,
        'shopify_ledger' as compared_with,
        order_id,
        date_day,
        '{{ m }}' as metric,
        our_{{ m }} as our_amount,
        shopify_{{ m }} as shopify_amount,
        case
            when unmodelled_line_type is not null
                then 'Shopify''s ledger has ' || unmodelled_line_type
                || ' sales that the report does not break down'
        end as not_comparable_reason
    from daily_metrics
    where our_{{ m }} <> 0 or shopify_{{ m }} <> 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

-- orders that Shopify's ledger does not cover (the stream is not synced, or not yet)
unledgered_rows as (
    select
        shop,
        'shopify_ledger' as compared_with,
        order_id,
        cast(null as date) as date_day,
        'all' as metric,
        cast(null as {{ money_type() }}) as our_amount,
        cast(null as {{ money_type() }}) as shopify_amount,
        'no order_agreements record for this order' as not_comparable_reason
    from orders
    where (shop, order_id) not in (select shop, order_id from ledger_orders)
),

gift_card_orders as (
    select distinct shop, order_id from {{ ref('int_order_lines') }} where is_gift_card
),

order_totals as (
    select
        orders.shop,
        orders.order_id,
        orders.is_cancelled,
        orders.total_tip_received,
        orders.current_total_price,
        orders.current_total_tax,
        orders.current_total_duties,
        orders.current_total_additional_fees,
        coalesce(facts.total_sales, 0) as total_sales,
        coalesce(facts.taxes, 0) as taxes,
        coalesce(facts.duties, 0) as duties,
        coalesce(facts.tips, 0) as tips,
        gift_card_orders.order_id is not null as has_gift_cards
    from orders
    left join {{ ref('fct_orders') }} as facts
        on orders.shop = facts.shop and orders.order_id = facts.order_id
    left join gift_card_orders
        on orders.shop = gift_card_orders.shop and orders.order_id = gift_card_orders.order_id
),

-- the order's own totals after refunds: current_total_price holds the tips, which are not
-- sales; gift cards sold are in it too but are not sales either
current_rows as (
    {%- for m, shopify in [
        ('total_sales', 'current_total_price - coalesce(total_tip_received, 0)'),
        ('taxes', 'current_total_tax'),
        ('duties', 'coalesce(current_total_duties, 0)'),
        ('tips', 'coalesce(total_tip_received, 0)'),
    ] %}
    select
        shop,
        'order_current_totals' as compared_with,
        order_id,
        cast(null as date) as date_day,
        '{{ m }}' as metric,
        {{ m }} as our_amount,
        {{ shopify }} as shopify_amount,
        case
            when current_total_price is null then 'the order has no current totals'
            when has_gift_cards
                then 'gift cards sold are in Shopify''s totals but are not sales'
            when is_cancelled and coalesce(total_tip_received, 0) <> 0
                then 'a cancelled order''s tips stay in total_tip_received'
            when coalesce(current_total_additional_fees, 0) <> 0
                then 'the order has additional fees, which the report does not model'
        end as not_comparable_reason
    from order_totals
    where {{ m }} <> 0 or coalesce({{ shopify }}, 0) <> 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

compared as (
    select * from ledger_rows
    union all
    select * from unledgered_rows
    union all
    select * from current_rows
)

select
    compared.shop,
    {{ shop_surrogate_key('compared.shop', [
        'compared.compared_with', 'compared.order_id', 'compared.date_day', 'compared.metric'
    ]) }} as reconciliation_id,
    compared.compared_with,
    compared.order_id,
    orders.order_name,
    orders.order_date,
    compared.date_day,
    compared.metric,
    {{ money('compared.our_amount') }} as our_amount,
    {{ money('compared.shopify_amount') }} as shopify_amount,
    {{ money('compared.our_amount - compared.shopify_amount') }} as difference,
    case
        when compared.not_comparable_reason is not null then 'not comparable'
        when compared.our_amount = compared.shopify_amount then 'agrees'
        else 'differs'
    end as status,
    compared.not_comparable_reason as reason
from compared
inner join orders on compared.shop = orders.shop and compared.order_id = orders.order_id
