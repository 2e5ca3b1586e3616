-- One row per marketing touch of a person: Marketo email clicks, form fills, web visits with
-- UTMs and program successes (int_touch__marketo, given here the lead's person and the
-- program's campaign, type and channel), Salesforce campaign responses (int_touch__salesforce,
-- given here the person of the member's contact, else of its lead).
-- channel, first rule that gives one (channel_rule says which):
--   utm             the touch's UTMs by the seed utm_channel_rules (int_touch__utm_channels);
--   campaign_type   the Salesforce campaign's Type (seed campaign_type_channels);
--   program_channel the Marketo program's channel (same seed);
--   program_type    the Marketo program's type (same seed);
--   touch_type      for touches without UTMs, the touch type's default (same seed: email
--                   clicks are email, form fills without UTMs direct, as GA4's (direct));
--   unassigned      nothing matched (e.g. UTMs that match no rule, GA4's Unassigned).
-- De-duplication: a Marketo program synced to a Salesforce campaign records the same response
-- twice. A campaign response is dropped when the same person has a program success touch for
-- the same Salesforce campaign (at any time): the Marketo touch is kept, it has the exact
-- time. Then one touch per (person, touched_at, channel, campaign key) is kept, preferring
-- program_success, campaign_response, form_fill, email_click, web_visit, then the smallest
-- touch_id; campaign key = campaign_id, else the program, else the utm_campaign.
-- touch_id is stable ('marketo:<marketoGUID>', 'salesforce:<CampaignMember Id>').
-- Incremental on person_id (delete+insert of whole people): a night recomputes only the people
-- whose inputs changed since the last build (macros/touches.py: crosswalk moves, new loads of
-- Marketo activities and campaign members, edited programs and campaigns; any change to the
-- channel seeds recomputes everyone): `rebuild()` lists them and the engine deletes their
-- touches before the night's rows are added.
{{ config(
    materialized='incremental',
    unique_key='person_id',
    incremental_strategy='delete+insert',
    changes_from=[
        ref('int_identity__crosswalk'), ref('stg_marketo__programs'),
        ref('stg_salesforce__campaign'), source('marketo', 'activities'),
        source('salesforce', 'CampaignMember'), source('seeds', 'utm_channel_rules'),
        source('seeds', 'campaign_type_channels'),
    ],
) }}
{% macro rebuild() -%}
{{ touch_changes(this,
    changed_rows(ref('int_identity__crosswalk'),
        ['source_system', 'source_object', 'source_id', 'person_id']),
    changed_rows(ref('stg_marketo__programs'),
        ['program_id', 'sfdc_campaign_id', 'program_type', 'channel']),
    changed_rows(ref('stg_salesforce__campaign'), ['campaign_id', 'campaign_type']),
    [changed_rows(source('seeds', 'utm_channel_rules')),
        changed_rows(source('seeds', 'campaign_type_channels'))],
    new_loads(source('marketo', 'activities')), new_loads(source('salesforce', 'CampaignMember')),
    ref('int_identity__crosswalk'), ref('stg_marketo__programs'),
    ref('int_touch__marketo'), ref('int_touch__salesforce'),
    source('marketo', 'activities'), source('salesforce', 'CampaignMember')) }}
{%- endmacro %}
with marketo_touches as (
    select * from {{ ref('int_touch__marketo') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

marketo_people as (
    select try_cast(source_id as bigint) as lead_id, person_id
    from crosswalk
    where source_system = 'marketo' and source_object = 'leads'
    {%- if is_incremental() %}
        and person_id in (select person_id from {{ rebuilt() }})
    {%- endif %}
),

salesforce_people as (
    select source_object, source_id, person_id
    from crosswalk
    where source_system = 'salesforce' and source_object in ('Contact', 'Lead')
),

{%- if is_incremental() %}

changed_salesforce_records as (
    select source_object, source_id
    from salesforce_people
    where person_id in (select person_id from {{ rebuilt() }})
),
{%- endif %}

-- at night only the responses whose contact or lead is a record of a recomputed person (a
-- response's person is one of those two records' people): 5.0 s -> 3.4 s at 1M people
salesforce_responses as (
    select * from {{ ref('int_touch__salesforce') }}
    {%- if is_incremental() %}
    where contact_id in (
        select source_id from changed_salesforce_records where source_object = 'Contact'
    )
        or lead_id in (
            select source_id from changed_salesforce_records where source_object = 'Lead'
        )
    {%- endif %}
),

-- the member's person: its contact's, else its lead's (members without a person are dropped)
salesforce_touches as (
    select
        responses.* exclude (contact_id, lead_id, campaign_type, member_status),
        coalesce(contact_people.person_id, lead_people.person_id) as person_id
    from salesforce_responses as responses
    left join salesforce_people as contact_people
        on contact_people.source_object = 'Contact'
        and contact_people.source_id = responses.contact_id
    left join salesforce_people as lead_people
        on lead_people.source_object = 'Lead'
        and lead_people.source_id = responses.lead_id
    where coalesce(contact_people.person_id, lead_people.person_id) is not null
    {%- if is_incremental() %}
        and coalesce(contact_people.person_id, lead_people.person_id)
            in (select person_id from {{ rebuilt() }})
    {%- endif %}
),

utm_channels as (
    select * from {{ ref('int_touch__utm_channels') }}
),

campaigns as (
    select campaign_id, campaign_type from {{ ref('stg_salesforce__campaign') }}
),

type_channels as (
    select
        lower(trim(source_field)) as source_field,
        lower(trim(value)) as value_key,
        min(channel) as channel
    from {{ source('seeds', 'campaign_type_channels') }}
    group by all
),

-- the lead's person (merged-away leads resolve to the survivor's; touches of leads without a
-- person are dropped) and the program's synced campaign, type and channel
marketo_person_touches as (
    select
        marketo_touches.touch_id,
        marketo_people.person_id,
        marketo_touches.touched_at,
        marketo_touches.touch_type,
        marketo_touches.source_system,
        marketo_touches.source_record_id,
        programs.sfdc_campaign_id as campaign_id,
        marketo_touches.program_id,
        programs.program_type,
        programs.channel as program_channel,
        marketo_touches.utm_source,
        marketo_touches.utm_medium,
        marketo_touches.utm_campaign,
        marketo_touches.utm_content,
        marketo_touches.utm_term
    from marketo_touches
    inner join marketo_people on marketo_people.lead_id = marketo_touches.marketo_lead_id
    left join programs on programs.program_id = marketo_touches.program_id
),

unioned as (
    select
        touch_id, person_id, touched_at, touch_type, source_system, source_record_id,
        campaign_id, program_id, program_type, program_channel,
        utm_source, utm_medium, utm_campaign, utm_content, utm_term
    from marketo_person_touches
    union all
    select
        touch_id, person_id, touched_at, touch_type, source_system, source_record_id,
        campaign_id, null as program_id, null as program_type, null as program_channel,
        null as utm_source, null as utm_medium, null as utm_campaign, null as utm_content,
        null as utm_term
    from salesforce_touches
),

synced_successes as (
    select distinct marketo_people.person_id, programs.sfdc_campaign_id as campaign_id
    from marketo_touches
    inner join marketo_people on marketo_people.lead_id = marketo_touches.marketo_lead_id
    inner join programs on programs.program_id = marketo_touches.program_id
    where marketo_touches.touch_type = 'program_success' and programs.sfdc_campaign_id is not null
),

deduplicated as (
    select unioned.*
    from unioned
    anti join synced_successes
        on synced_successes.person_id = unioned.person_id
        and synced_successes.campaign_id = unioned.campaign_id
        and unioned.touch_type = 'campaign_response'
),

channelled as (
    select
        deduplicated.*,
        case
            when utm_channels.channel is not null then 'utm'
            when campaign_type_channels.channel is not null then 'campaign_type'
            when program_channel_channels.channel is not null then 'program_channel'
            when program_type_channels.channel is not null then 'program_type'
            when touch_type_channels.channel is not null then 'touch_type'
            else 'unassigned'
        end as channel_rule,
        coalesce(
            utm_channels.channel,
            campaign_type_channels.channel,
            program_channel_channels.channel,
            program_type_channels.channel,
            touch_type_channels.channel,
            'unassigned'
        ) as channel
    from deduplicated
    left join utm_channels
        on utm_channels.utm_source is not distinct from deduplicated.utm_source
        and utm_channels.utm_medium is not distinct from deduplicated.utm_medium
        and utm_channels.utm_campaign is not distinct from deduplicated.utm_campaign
    left join campaigns on campaigns.campaign_id = deduplicated.campaign_id
    left join type_channels as campaign_type_channels
        on campaign_type_channels.source_field = 'campaign_type'
        and campaign_type_channels.value_key = lower(trim(campaigns.campaign_type))
    left join type_channels as program_channel_channels
        on program_channel_channels.source_field = 'program_channel'
        and program_channel_channels.value_key = lower(trim(deduplicated.program_channel))
    left join type_channels as program_type_channels
        on program_type_channels.source_field = 'program_type'
        and program_type_channels.value_key = lower(trim(deduplicated.program_type))
    left join type_channels as touch_type_channels
        on touch_type_channels.source_field = 'touch_type'
        and touch_type_channels.value_key = deduplicated.touch_type
        and coalesce(
            deduplicated.utm_source, deduplicated.utm_medium, deduplicated.utm_campaign
        ) is null
),

-- Most events have one touch: only those sharing an event hash go through the window (a hash
-- collision only sends a few more rows there). 23.4 s against 27.0 s for the window over all
-- 11.4M touches at 1M people, which spilled their full width.
keyed as (
    select
        channelled.*,
        hash(
            person_id,
            touched_at,
            channel,
            coalesce(campaign_id, 'program:' || program_id, 'utm:' || lower(utm_campaign), '')
        ) as event_hash
    from channelled
),

shared_hashes as (
    select event_hash
    from keyed
    group by event_hash
    having count(*) > 1
),

single_touches as (
    select keyed.*
    from keyed
    anti join shared_hashes on shared_hashes.event_hash = keyed.event_hash
),

shared_touches as (
    select keyed.*
    from keyed
    semi join shared_hashes on shared_hashes.event_hash = keyed.event_hash
),

unique_touches as (
    select * from single_touches
    union all
    select *
    from shared_touches
    qualify row_number() over (
        partition by
            person_id,
            touched_at,
            channel,
            coalesce(campaign_id, 'program:' || program_id, 'utm:' || lower(utm_campaign), '')
        order by
            case touch_type
                when 'program_success' then 1
                when 'campaign_response' then 2
                when 'form_fill' then 3
                when 'email_click' then 4
                else 5
            end,
            touch_id
    ) = 1
),

final as (
    select
        touch_id,
        person_id,
        touched_at,
        touch_type,
        source_system,
        source_record_id,
        channel,
        channel_rule,
        campaign_id,
        program_id,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_term
    from unique_touches
)

select * from final
