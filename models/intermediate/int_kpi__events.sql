-- Every event the event-based KPIs count, one row per (measure, entity, event): its date (UTC
-- calendar date of the event), the segments it belongs to (channel, icp_segment,
-- opportunity_type; null = not split that way) and an amount (sum and median measures). Only
-- events on or before as_of.
--   cost measures      int_marketing_cost__daily per row and day in the reporting currency:
--                      ad_spend, program_cost, other_cost and marketing_cost (their sum); the
--                      cost's channel; no icp split
--   impressions/clicks fct_ad_spend_daily per row; channel of the platform; no icp split
--   people measures    int_kpi__people by acquisition channel and account ICP
--   opportunity ones   int_kpi__opportunities of type_group new_business only, by channel (first
--                      touch in the lookback window) and account ICP; won/lost in the latest
--                      state at the close date; amounts amount_reporting. bookings (every type,
--                      split by opportunity_type = type_group), renewal_revenue and
--                      expansion_revenue are the exceptions
--   new_customers      int_kpi__new_customers at the first won new-business close date
--   attributed_*       fct_attribution revenue_amount of won new-business opportunities, credited
--                      channel, at revenue_date; *_by_touch at the credited touch's date
--   email_*_people     Marketo Email Delivered / Open Email per person and day
--   email_* messages   per (person, email asset, day): sent, delivered, and the opened,
--                      clicked, unsubscribed (at delivery) and bounced (at send) ones
--   data quality       the new lead's live source records (int_identity__records), at lead_at;
--                      family_records / duplicate_records summed from dim_person (records
--                      beyond the first within one system and object family);
--                      cross_system_persons = people with Marketo and Salesforce records
--   marketing__*       a copy of the events of the measures in marketing_measures whose
--                      channel has the role marketing (seed channel_roles): the total of such a
--                      measure sums the marketing channels only, so totals of roas, romi, cac
--                      and cpl have the same channels in numerator and denominator
--   paid_ad__*         the same for attributed revenue on paid ad channels (seed
--                      ad_platform_channels): the numerator of roas, beside their ad spend
{% set models = ['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay'] %}
{% set marketing_measures = [
    'ad_spend', 'marketing_cost', 'new_leads', 'mqls', 'opportunities_created', 'new_customers',
    'attributed_revenue', 'attributed_revenue_by_touch',
] %}
with as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

ad_spend as (
    select * from {{ ref('fct_ad_spend_daily') }}
),

people as (
    select * from {{ ref('int_kpi__people') }}
),

opportunities as (
    select * from {{ ref('int_kpi__opportunities') }}
),

new_customers as (
    select * from {{ ref('int_kpi__new_customers') }}
),

costs as (
    select * from {{ ref('int_marketing_cost__daily') }}
),

channel_roles as (
    select channel, channel_role as role, is_paid_ad_channel from {{ ref('dim_channel') }}
),

attribution as (
    select * from {{ ref('fct_attribution') }}
),

activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

cost_events as (
    select cost_component as measure, date as event_date, channel, null as icp_segment,
        cost_id as entity_id, cast(amount_reporting as decimal(38, 6)) as amount
    from costs
    union all
    select 'marketing_cost', date, channel, null, cost_id,
        cast(amount_reporting as decimal(38, 6))
    from costs
),

ad_events as (
    select 'impressions' as measure, date as event_date, channel, null as icp_segment,
        ad_spend_id as entity_id, cast(impressions as decimal(38, 6)) as amount
    from ad_spend
    union all
    select 'clicks', date, channel, null, ad_spend_id, cast(clicks as decimal(38, 6))
    from ad_spend
),

people_events as (
    select 'new_leads' as measure, cast(lead_at as date) as event_date, channel, icp_segment,
        person_id as entity_id, null as amount
    from people
    union all
    select 'icp_leads', cast(lead_at as date), channel, icp_segment, person_id, null
    from people
    where icp_segment = 'icp'
    union all
    select 'mqls', cast(mql_at as date), channel, icp_segment, person_id, null
    from people
    where mql_at is not null
    union all
    select 'sla_met_mqls', cast(people.mql_at as date), channel, icp_segment, person_id, null
    from people
    cross join as_of
    where people.sql_at <= people.mql_at + to_hours(as_of.sla_hours)
    union all
    select 'sqls', cast(sql_at as date), channel, icp_segment, person_id, null
    from people
    where sql_at is not null
    union all
    select 'sales_generated_sqls', cast(sql_at as date), channel, icp_segment, person_id, null
    from people
    where is_sales_generated
),

new_business as (
    select * from opportunities where type_group = 'new_business'
),

opportunity_events as (
    select 'opportunities_created' as measure, created_date as event_date, channel,
        icp_segment, opportunity_id as entity_id, null as amount
    from new_business
    union all
    select 'pipeline_created', created_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from new_business
    union all
    select 'influenced_pipeline', created_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from new_business
    where is_influenced
    union all
    select 'sourced_pipeline', created_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from new_business
    where is_marketing_sourced
    union all
    select 'deals_won', close_date, channel, icp_segment, opportunity_id, null
    from new_business
    where is_won
    union all
    select 'sourced_deals_won', close_date, channel, icp_segment, opportunity_id, null
    from new_business
    where is_won and is_marketing_sourced
    union all
    select 'closed_deals', close_date, channel, icp_segment, opportunity_id, null
    from new_business
    where is_won or is_lost
    union all
    select 'revenue_won', close_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from new_business
    where is_won
    union all
    select 'sourced_revenue_won', close_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from new_business
    where is_won and is_marketing_sourced
    union all
    select 'sales_cycle_days', close_date, channel, icp_segment, opportunity_id,
        cast(cycle_days as decimal(38, 6))
    from new_business
    where is_won
    union all
    select 'expansion_revenue', close_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from opportunities
    where is_won and type_group = 'expansion'
    union all
    select 'renewal_revenue', close_date, channel, icp_segment, opportunity_id,
        cast(amount_reporting as decimal(38, 6))
    from opportunities
    where is_won and type_group = 'renewal'
    union all
    select 'new_customers', first_won_date, channel, icp_segment, account_id, null
    from new_customers
),

-- bookings: won amounts of every type, also split by opportunity_type (the type group)
typed_events as (
    select 'bookings' as measure, close_date as event_date, channel, icp_segment,
        type_group as opportunity_type, opportunity_id as entity_id,
        cast(amount_reporting as decimal(38, 6)) as amount
    from opportunities
    where is_won
),

attribution_events as (
    select
        'attributed_revenue' as measure,
        attribution.revenue_date as event_date,
        attribution.channel,
        new_business.icp_segment,
        attribution.attribution_id as entity_id,
        cast(attribution.revenue_amount as decimal(38, 6)) as amount
    from attribution
    cross join as_of
    inner join new_business on new_business.opportunity_id = attribution.opportunity_id
    where attribution.model = as_of.attribution_model
        and new_business.is_won
    union all
    select
        'attributed_revenue_by_touch',
        cast(attribution.touched_at as date),
        attribution.channel,
        new_business.icp_segment,
        attribution.attribution_id,
        cast(attribution.revenue_amount as decimal(38, 6))
    from attribution
    cross join as_of
    inner join new_business on new_business.opportunity_id = attribution.opportunity_id
    where attribution.model = as_of.attribution_model
        and new_business.is_won
        and attribution.touched_at is not null
    union all
    select
        'attributed_revenue__' || attribution.model,
        attribution.revenue_date,
        attribution.channel,
        new_business.icp_segment,
        attribution.attribution_id,
        cast(attribution.revenue_amount as decimal(38, 6))
    from attribution
    inner join new_business on new_business.opportunity_id = attribution.opportunity_id
    where new_business.is_won
),

marketo_people as (
    select source_id, person_id
    from crosswalk
    where source_system = 'marketo' and source_object = 'leads'
),

email_activities as (
    select
        case activities.activity_type_name
            when 'Email Delivered' then 'email_delivered_people'
            when 'Open Email' then 'email_opened_people'
        end as measure,
        cast(activities.activity_at as date) as event_date,
        marketo_people.person_id
    from activities
    inner join marketo_people
        on marketo_people.source_id = cast(activities.lead_id as varchar)
    where activities.activity_type_name in ('Email Delivered', 'Open Email')
),

-- one row per (measure, day, person) before the person's segments are joined: three keys to
-- de-duplicate instead of five
email_person_days as (
    select distinct measure, event_date, person_id
    from email_activities
),

-- A message is (person, email asset, day): the asset is the activity's Mailing ID (primary
-- attribute value id, else its value). Sent messages are dated at the send day, delivered ones
-- at the delivery day; an open, click or unsubscribe belongs to the latest delivered message of
-- the same person and asset on or before its day, a bounce to the latest sent one. A click
-- also opens its message (the open pixel may be blocked).
email_message_activities as (
    select distinct
        marketo_people.person_id,
        coalesce(
            cast(activities.primary_attribute_value_id as varchar),
            activities.primary_attribute_value,
            ''
        ) as email_asset,
        activities.activity_type_name,
        cast(activities.activity_at as date) as activity_date
    from activities
    inner join marketo_people
        on marketo_people.source_id = cast(activities.lead_id as varchar)
    where activities.activity_type_name in (
        'Send Email', 'Email Delivered', 'Email Bounced', 'Email Bounced Soft',
        'Unsubscribe Email', 'Open Email', 'Click Email'
    )
),

email_messages as (
    select
        case activity_type_name when 'Send Email' then 'sent' else 'delivered' end as kind,
        person_id,
        email_asset,
        activity_date as message_date
    from email_message_activities
    where activity_type_name in ('Send Email', 'Email Delivered')
),

email_responses as (
    select
        case
            when activity_type_name in ('Email Bounced', 'Email Bounced Soft') then 'sent'
            else 'delivered'
        end as kind,
        case activity_type_name
            when 'Open Email' then 'email_opened'
            when 'Click Email' then 'email_clicked'
            when 'Unsubscribe Email' then 'email_unsubscribed'
            else 'email_bounced'
        end as measure,
        person_id,
        email_asset,
        activity_date
    from email_message_activities
    where activity_type_name not in ('Send Email', 'Email Delivered')
    union all
    select 'delivered', 'email_opened', person_id, email_asset, activity_date
    from email_message_activities
    where activity_type_name = 'Click Email'
),

email_message_events as (
    select
        case kind when 'sent' then 'email_sent' else 'email_delivered' end as measure,
        person_id,
        email_asset,
        message_date
    from email_messages
    union all
    select distinct
        email_responses.measure,
        email_messages.person_id,
        email_messages.email_asset,
        email_messages.message_date
    from email_responses
    asof inner join email_messages
        on email_messages.kind = email_responses.kind
        and email_messages.person_id = email_responses.person_id
        and email_messages.email_asset = email_responses.email_asset
        and email_messages.message_date <= email_responses.activity_date
),

email_events as (
    select
        email_person_days.measure,
        email_person_days.event_date,
        coalesce(people.channel, 'unattributed') as channel,
        coalesce(people.icp_segment, 'unknown') as icp_segment,
        email_person_days.person_id as entity_id,
        cast(null as decimal(38, 6)) as amount
    from email_person_days
    left join people on people.person_id = email_person_days.person_id
    union all
    select
        email_message_events.measure,
        email_message_events.message_date,
        coalesce(people.channel, 'unattributed'),
        coalesce(people.icp_segment, 'unknown'),
        concat_ws(
            '|', email_message_events.person_id, email_message_events.email_asset,
            email_message_events.message_date
        ),
        cast(null as decimal(38, 6))
    from email_message_events
    left join people on people.person_id = email_message_events.person_id
),

person_records as (
    select
        crosswalk.person_id,
        records.record_key,
        records.email_normalised is not null
            and records.email_normalised <> ''
            and not coalesce(records.is_valid_email, false) as is_invalid_email
    from records
    inner join crosswalk on crosswalk.record_key = records.record_key
),

quality_events as (
    select 'source_records' as measure, cast(people.lead_at as date) as event_date,
        people.channel, people.icp_segment, person_records.record_key as entity_id,
        null as amount
    from person_records
    inner join people on people.person_id = person_records.person_id
    union all
    select 'family_records', cast(lead_at as date), channel, icp_segment, person_id,
        cast(family_records as decimal(38, 6))
    from people
    union all
    select 'duplicate_records', cast(lead_at as date), channel, icp_segment, person_id,
        cast(duplicate_records as decimal(38, 6))
    from people
    union all
    select 'persons', cast(lead_at as date), channel, icp_segment, person_id, null
    from people
    union all
    select 'cross_system_persons', cast(lead_at as date), channel, icp_segment, person_id, null
    from people
    where is_cross_system
    union all
    select 'invalid_email_records', cast(people.lead_at as date), people.channel,
        people.icp_segment, person_records.record_key, null
    from person_records
    inner join people on people.person_id = person_records.person_id
    where person_records.is_invalid_email
),

channel_events as (
    select * from cost_events
    union all
    select * from ad_events
    union all
    select * from people_events
    union all
    select * from opportunity_events
    union all
    select * from attribution_events
    union all
    select * from email_events
    union all
    select * from quality_events
),

marketing_events as (
    select
        'marketing__' || channel_events.measure as measure,
        channel_events.event_date,
        channel_events.channel,
        channel_events.icp_segment,
        channel_events.entity_id,
        channel_events.amount
    from channel_events
    inner join channel_roles on channel_roles.channel = channel_events.channel
    where channel_roles.role = 'marketing'
        and channel_events.measure in (
            {%- for measure in marketing_measures %}'{{ measure }}'{{ ', ' if not loop.last }}
            {%- endfor -%}
        )
),

paid_ad_events as (
    select * replace ('paid_ad__' || measure as measure)
    from channel_events
    where measure in ('attributed_revenue', 'attributed_revenue_by_touch')
        and channel in (select channel from channel_roles where is_paid_ad_channel)
),

unioned as (
    select * from channel_events
    union all by name
    select * from marketing_events
    union all by name
    select * from paid_ad_events
    union all by name
    select * from typed_events
),

final as (
    select
        unioned.measure,
        unioned.event_date,
        unioned.channel,
        unioned.icp_segment,
        unioned.opportunity_type,
        unioned.entity_id,
        unioned.amount
    from unioned
    cross join as_of
    where unioned.event_date is not null
        and unioned.event_date <= as_of.as_of
)

select * from final
