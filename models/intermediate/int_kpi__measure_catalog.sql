-- The base measures the event-based KPIs are built from (int_kpi__events ->
-- int_kpi__measures): how each aggregates over a period (count = distinct entities, sum of
-- amount, median of amount) and whether it comes from the ad platforms (ad measures have no
-- icp split, and are NULL, never 0, for channels without an ad-spend source).
{% set models = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
with catalog as (
    select *
    from (
        values
            ('spend', 'sum', true, 'Ad spend in the reporting currency (spend_reporting).'),
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
            ('sales_cycle_days', 'median', false, 'Won deals: close date - creation date.'),
            ('new_customers', 'count', false, 'Accounts whose first won opportunity closes.'),
            ('expansion_revenue', 'sum', false, 'Amount of won expansion opportunities.'),
            ('attributed_revenue', 'sum', false,
                'Attributed revenue under var kpi_attribution_model, credited channel.'),
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
    ) as catalog (measure, aggregation, is_ad_measure, description)
)

select * from catalog
