-- Marketo touches of people, one row per qualifying activity: email clicks ("Click Email"),
-- form fills ("Fill Out Form"), web visits ("Visit Webpage") that carry at least one UTM
-- parameter, and program successes ("Change Status in Progression" with `Success` true).
-- UTMs come from the activity's query string: Click Email -> the query of `Link`; Visit Webpage
-- -> `Query Parameters`, else the query of `Webpage URL`; Fill Out Form -> `Query Parameters`,
-- else the query of `Referrer URL`. Parameter names are matched case-insensitively, values are
-- url-decoded (`+` is a space) and trimmed; empty values are null.
-- A program success carries its program (`Program Id`, else primaryAttributeValueId) and that
-- program's synced Salesforce campaign (stg_marketo__programs.sfdc_campaign_id).
-- person_id: the lead's person in int_identity__crosswalk (merged-away leads resolve to the
-- survivor's person); activities of leads without a person are dropped.
-- Incremental, partitioned by touched_date (delete+insert of whole days). A night rebuilds, from
-- all activities of those days, the days of: activities in deliveries newer than the newest
-- touched_date minus var incremental_lookback_days (as stg_marketo__activities), touches whose
-- activity changed or disappeared, whose lead's person changed, whose program changed, and
-- touches of leads that had none before (a lead gaining a person). Renaming an activity type
-- needs a full refresh.
{{ config(
    materialized='incremental',
    unique_key='touched_date',
    incremental_strategy='delete+insert',
) }}
{% macro touch_rows(activities) -%}
(
    with
    candidates as (
        select
            activity_id,
            lead_id,
            activity_at,
            activity_type_name,
            activity_date,
            primary_attribute_value_id,
            attributes,
            case activity_type_name
                when 'Click Email' then 'email_click'
                when 'Fill Out Form' then 'form_fill'
                when 'Visit Webpage' then 'web_visit'
                when 'Change Status in Progression' then 'program_success'
            end as touch_type
        from {{ activities }}
        where activity_type_name in (
            'Click Email', 'Fill Out Form', 'Visit Webpage', 'Change Status in Progression'
        )
    ),

    query_strings as (
        select
            *,
            case touch_type
                when 'email_click' then regexp_extract(attributes ->> 'Link', '\?([^#]*)', 1)
                when 'web_visit' then coalesce(
                    nullif(ltrim(trim(attributes ->> 'Query Parameters'), '?'), ''),
                    regexp_extract(attributes ->> 'Webpage URL', '\?([^#]*)', 1)
                )
                when 'form_fill' then coalesce(
                    nullif(ltrim(trim(attributes ->> 'Query Parameters'), '?'), ''),
                    regexp_extract(attributes ->> 'Referrer URL', '\?([^#]*)', 1)
                )
            end as query_string
        from candidates
    ),

    raw_parameters as (
        select
            *,
            regexp_extract(query_string, '(?i)(?:^|&)utm_source=([^&]*)', 1) as raw_utm_source,
            regexp_extract(query_string, '(?i)(?:^|&)utm_medium=([^&]*)', 1) as raw_utm_medium,
            regexp_extract(query_string, '(?i)(?:^|&)utm_campaign=([^&]*)', 1) as raw_utm_campaign,
            regexp_extract(query_string, '(?i)(?:^|&)utm_content=([^&]*)', 1) as raw_utm_content,
            regexp_extract(query_string, '(?i)(?:^|&)utm_term=([^&]*)', 1) as raw_utm_term
        from query_strings
    ),

    parameters as (
        select
            *,
            nullif(trim(url_decode(replace(raw_utm_source, '+', ' '))), '') as utm_source,
            nullif(trim(url_decode(replace(raw_utm_medium, '+', ' '))), '') as utm_medium,
            nullif(trim(url_decode(replace(raw_utm_campaign, '+', ' '))), '') as utm_campaign,
            nullif(trim(url_decode(replace(raw_utm_content, '+', ' '))), '') as utm_content,
            nullif(trim(url_decode(replace(raw_utm_term, '+', ' '))), '') as utm_term,
            case
                when touch_type = 'program_success' then coalesce(
                    try_cast(attributes ->> 'Program Id' as bigint),
                    try_cast(primary_attribute_value_id as bigint)
                )
            end as program_id,
            lower(trim(attributes ->> 'Success')) in ('true', '1', 'yes') as is_success
        from raw_parameters
    ),

    qualifying as (
        select *
        from parameters
        where touch_type in ('email_click', 'form_fill')
            or (
                touch_type = 'web_visit'
                and coalesce(utm_source, utm_medium, utm_campaign, utm_content, utm_term) is not null
            )
            or (touch_type = 'program_success' and is_success)
    ),

    final as (
        select
            'marketo:' || qualifying.activity_id as touch_id,
            marketo_people.person_id,
            qualifying.activity_at as touched_at,
            qualifying.activity_date as touched_date,
            qualifying.touch_type,
            'marketo' as source_system,
            qualifying.activity_id as source_record_id,
            qualifying.lead_id as marketo_lead_id,
            programs.sfdc_campaign_id as campaign_id,
            qualifying.program_id,
            programs.program_type,
            programs.channel as program_channel,
            qualifying.utm_source,
            qualifying.utm_medium,
            qualifying.utm_campaign,
            qualifying.utm_content,
            qualifying.utm_term
        from qualifying
        inner join marketo_people on marketo_people.lead_id = qualifying.lead_id
        left join programs on programs.program_id = qualifying.program_id
    )

    select * from final
)
{%- endmacro %}
with activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

marketo_people as (
    select try_cast(source_id as bigint) as lead_id, person_id
    from crosswalk
    where source_system = 'marketo' and source_object = 'leads'
),

{% if is_incremental() %}
watermark as (
    select
        coalesce(max(touched_date), date '1900-01-01')
            - cast({{ var('incremental_lookback_days', 3) }} as integer) as since
    from {{ this }}
),

-- files within the lookback (name date on or after `since`; undated files always), looked up
-- in meta.load_log (one row per file) instead of matching a regex on every raw row
recent_files as (
    select path
    from {{ source('meta', 'load_log') }}
    where system = 'marketo' and object = 'activities'
        and coalesce(
            try_cast(regexp_extract(path, '(\d{4}-\d{2}-\d{2})', 1) as date)
                >= (select since from watermark),
            true
        )
),

new_deliveries as (
    select raw_activities.marketo_guid
    from {{ source('marketo', 'activities') }} as raw_activities
    semi join recent_files on recent_files.path = raw_activities._file
),

changed_touches as (
    select this.touched_date
    from {{ this }} as this
    left join activities on activities.activity_id = this.source_record_id
    left join marketo_people on marketo_people.lead_id = this.marketo_lead_id
    left join programs on programs.program_id = this.program_id
    where activities.activity_id is null
        or activities.activity_at is distinct from this.touched_at
        or activities.lead_id is distinct from this.marketo_lead_id
        or marketo_people.person_id is distinct from this.person_id
        or (
            this.program_id is not null
            and (
                programs.sfdc_campaign_id is distinct from this.campaign_id
                or programs.program_type is distinct from this.program_type
                or programs.channel is distinct from this.program_channel
            )
        )
),

redelivered_touches as (
    select this.touched_date
    from {{ this }} as this
    semi join new_deliveries on new_deliveries.marketo_guid = this.source_record_id
),

new_person_leads as (
    select lead_id from marketo_people
    except
    select marketo_lead_id from {{ this }}
),

affected_days as (
    select touched_date as activity_date from changed_touches
    union
    select touched_date from redelivered_touches
    union
    select activities.activity_date
    from activities
    semi join new_deliveries on new_deliveries.marketo_guid = activities.activity_id
    union
    select touched_date
    from {{ touch_rows('(select * from activities where lead_id in (select lead_id from new_person_leads))') }}
),

scoped_activities as (
    select *
    from activities
    where activity_date in (select activity_date from affected_days)
)

select * from {{ touch_rows('scoped_activities') }}
{% else %}
full_activities as (
    select * from activities
)

select * from {{ touch_rows('full_activities') }}
{% endif %}
