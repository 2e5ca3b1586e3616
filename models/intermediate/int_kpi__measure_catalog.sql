-- The base measures the event-based KPIs are built from (int_kpi__events ->
-- int_kpi__measures): how each aggregates over a period (count = distinct entities, sum of
-- amount, median of amount) and whether it comes from the ad platforms (ad measures have no
-- icp split, and are NULL, never 0, for channels without an ad-spend source). Opportunity
-- measures count new business only unless they say otherwise. `marketing__<measure>` is the
-- same measure over marketing channels only (seed channel_roles), `paid_ad__<measure>` over
-- paid ad channels only (seed ad_platform_channels). is_cost_measure: a cost, NULL (unknown)
-- before the first period with any cost.
{% set models = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
with base as (
    select *
    from (
        values
            ('ad_spend', 'sum', true, 'Ad spend in the reporting currency (spend_reporting).'),
            ('program_cost', 'sum', false,
                'Salesforce Campaign.ActualCost spread over the campaign days (no paid ad channel).'),
            ('other_cost', 'sum', false, 'Seed marketing_costs spread over the month days.'),
            ('marketing_cost', 'sum', false, 'ad_spend + program_cost + other_cost.'),
            ('impressions', 'sum', true, 'Ad impressions.'),
            ('clicks', 'sum', true, 'Ad clicks.'),
            ('new_leads', 'count', false, 'People reaching lead (lead_at).'),
            ('mqls', 'count', false, 'People with a recorded MQL entry (mql_at).'),
            ('sqls', 'count', false, 'People reaching sql or later (sql_at).'),
            ('sales_generated_sqls', 'count', false,
                'People reaching sql or later without an MQL entry (sql_at).'),
            ('icp_leads', 'count', false, 'New leads whose account matches the ICP.'),
            ('sla_met_mqls', 'count', false, 'True MQLs reaching sql within var sla_hours.'),
            ('opportunities_created', 'count', false, 'Opportunities created.'),
            ('pipeline_created', 'sum', false, 'Amount of opportunities created.'),
            ('influenced_pipeline', 'sum', false, 'Amount created with a touch in the window.'),
            ('deals_won', 'count', false, 'Opportunities won, at the close date.'),
            ('closed_deals', 'count', false, 'Opportunities won or lost, at the close date.'),
            ('revenue_won', 'sum', false, 'Amount of won opportunities, at the close date.'),
            ('sourced_revenue_won', 'sum', false, 'revenue_won of marketing-sourced deals.'),
            ('sourced_pipeline', 'sum', false, 'pipeline_created of marketing-sourced deals.'),
            ('sourced_deals_won', 'count', false, 'deals_won that are marketing-sourced.'),
            ('bookings', 'sum', false, 'Amount of won opportunities of every type.'),
            ('renewal_revenue', 'sum', false, 'Amount of won renewal opportunities.'),
            ('sales_cycle_days', 'median', false, 'Won deals: close date - creation date.'),
            ('new_customers', 'count', false, 'Accounts whose first won opportunity closes.'),
            ('expansion_revenue', 'sum', false, 'Amount of won expansion opportunities.'),
            ('attributed_revenue', 'sum', false,
                'Attributed revenue under var kpi_attribution_model, credited channel.'),
            ('attributed_revenue_by_touch', 'sum', false,
                'attributed_revenue dated at the credited touch instead of the close date.'),
{%- for model in models %}
            ('attributed_revenue__{{ model }}', 'sum', false,
                'Attributed revenue under {{ model }}, credited channel.'),
{%- endfor %}
            ('email_delivered_people', 'count', false, 'Distinct people delivered an email.'),
            ('email_opened_people', 'count', false, 'Distinct people who opened an email.'),
            ('email_sent', 'count', false, 'Messages sent (person, email, send day).'),
            ('email_delivered', 'count', false,
                'Messages delivered (person, email, delivery day).'),
            ('email_opened', 'count', false, 'Delivered messages opened or clicked.'),
            ('email_clicked', 'count', false, 'Delivered messages clicked.'),
            ('email_unsubscribed', 'count', false, 'Delivered messages unsubscribed from.'),
            ('email_bounced', 'count', false, 'Sent messages that bounced (hard or soft).'),
            ('source_records', 'count', false, 'Live source records of the new leads.'),
            ('family_records', 'sum', false,
                'Those records that can duplicate each other (converted leads excluded).'),
            ('duplicate_records', 'sum', false,
                'Records beyond the first per person, system and object family.'),
            ('persons', 'count', false, 'People behind those records (= new leads).'),
            ('cross_system_persons', 'count', false,
                'New leads with records in both Marketo and Salesforce.'),
            ('invalid_email_records', 'count', false,
                'Records whose non-empty email fails the syntax check.')
    ) as base (measure, aggregation, is_ad_measure, description)
),

marketing as (
    select
        'marketing__' || measure as measure,
        aggregation,
        is_ad_measure,
        description || ' Marketing channels only.' as description
    from base
    where measure in (
        'ad_spend', 'marketing_cost', 'new_leads', 'mqls', 'opportunities_created',
        'new_customers', 'attributed_revenue', 'attributed_revenue_by_touch'
    )
),

paid_ad as (
    select
        'paid_ad__' || measure as measure,
        aggregation,
        is_ad_measure,
        description || ' Paid ad channels only (seed ad_platform_channels).' as description
    from base
    where measure in ('attributed_revenue', 'attributed_revenue_by_touch')
),

unioned as (
    select * from base
    union all
    select * from marketing
    union all
    select * from paid_ad
),

final as (
    select
        measure,
        aggregation,
        is_ad_measure,
        measure in (
            'ad_spend', 'program_cost', 'other_cost', 'marketing_cost', 'marketing__ad_spend',
            'marketing__marketing_cost'
        ) as is_cost_measure,
        description
    from unioned
)

select * from final
