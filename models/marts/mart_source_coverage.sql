-- What the loaded data covers: one row per source system and object (the landing folders of
-- ingest, as in mart_data_quality), with the first and last date holding data and the rows
-- after staging (latest versions, deleted and merged-away records dropped). The date of a row
-- is the day it records: created_at (UTC) for CRM and MAP records, the activity day, the ad
-- platforms' report day, the ECB rate day. An object without rows has NULL dates and 0 rows;
-- activity_types carries no date. The seed marketing_costs (other_cost) is a source too, from
-- its first month's first day to its last month's last day. mart_kpis.is_covered reads it with
-- kpi_definitions.sources.
-- is_activity_log: the object logs activity day by day (Marketo activities, the ad platforms'
-- daily reports), so its first date is where the delivered history starts; records (CRM and
-- MAP objects) keep creation dates from before it, and the ECB file ships years of rates.
-- int_reporting__periods starts the KPI marts' periods at the first activity-log day.
{% set activity_logs = ['activities', 'campaign_stats', 'insights', 'ad_analytics',
    'campaign_performance'] %}
{% set objects = [
    ('salesforce', 'Lead', 'stg_salesforce__lead', 'cast(created_at as date)'),
    ('salesforce', 'Contact', 'stg_salesforce__contact', 'cast(created_at as date)'),
    ('salesforce', 'Account', 'stg_salesforce__account', 'cast(created_at as date)'),
    ('salesforce', 'Opportunity', 'stg_salesforce__opportunity', 'cast(created_at as date)'),
    ('salesforce', 'OpportunityHistory', 'stg_salesforce__opportunity_history',
        'cast(created_at as date)'),
    ('salesforce', 'OpportunityContactRole', 'stg_salesforce__opportunity_contact_role',
        'cast(created_at as date)'),
    ('salesforce', 'Campaign', 'stg_salesforce__campaign', 'cast(created_at as date)'),
    ('salesforce', 'CampaignMember', 'stg_salesforce__campaign_member',
        'cast(created_at as date)'),
    ('marketo', 'leads', 'stg_marketo__leads', 'cast(created_at as date)'),
    ('marketo', 'activities', 'stg_marketo__activities', 'activity_date'),
    ('marketo', 'programs', 'stg_marketo__programs', 'cast(created_at as date)'),
    ('marketo', 'activity_types', 'stg_marketo__activity_types', 'cast(null as date)'),
    ('google_ads', 'campaign_stats', 'stg_google_ads__campaign_stats', 'date'),
    ('meta_ads', 'insights', 'stg_meta_ads__insights', 'date'),
    ('linkedin_ads', 'ad_analytics', 'stg_linkedin_ads__ad_analytics', 'date'),
    ('microsoft_ads', 'campaign_performance', 'stg_microsoft_ads__campaign_performance',
        'date'),
    ('fx', 'ecb_rates', 'stg_fx__ecb_rates', 'rate_date'),
] %}
with coverage as (
{%- for system, object, model, day in objects %}
    select
        '{{ system }}' as system,
        '{{ object }}' as object,
        {{ 'true' if object in activity_logs else 'false' }} as is_activity_log,
        min({{ day }}) as first_date,
        max({{ day }}) as last_date,
        count(*) as row_count
    from {{ ref(model) }}
    union all
{%- endfor %}
    select
        'seeds' as system,
        'marketing_costs' as object,
        false as is_activity_log,
        min(month) as first_date,
        max(cast(month + interval 1 month - interval 1 day as date)) as last_date,
        count(*) as row_count
    from {{ source('seeds', 'marketing_costs') }}
),

final as (
    select
        system,
        object,
        first_date,
        last_date,
        cast(row_count as bigint) as row_count,
        is_activity_log
    from coverage
)

select * from final
