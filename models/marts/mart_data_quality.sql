-- Data quality per source object and load (meta.load_log, one row per delivered file): rows
-- in (rows_read), loaded, quarantined (the log's count and the rows in meta.quarantine),
-- lines skipped, and redelivered_rows = loaded rows whose record key was already delivered
-- (an earlier load, or earlier in the same file; loads ordered by loaded_at, then path):
-- re-deliveries (CDC versions of one record) that staging resolves (latest version wins).
-- They are not duplicate people: those are dim_person.duplicate_records and the KPIs
-- duplicate_record_rate and cross_system_match_rate of mart_kpis.
-- Record keys: Id for Salesforce objects, id for Marketo leads, programs and activity types,
-- marketoGUID for activities; NULL for ad platforms and FX (their restatements replace whole days). Rejected files have
-- no rows. Salesforce Lead loads count their rows without CreatedDate (dated by a fallback,
-- see stg_salesforce__lead) and without any timestamp (dated by a campaign response, if any);
-- LinkedIn loads count their rows whose account is 'unknown' (none in the row or file name).
-- The per-period invalid_email_rate is in mart_kpis.
-- Incremental by load: meta.load_log only grows and a new load comes after every load already
-- here, so a night adds rows for its new loads and only reads the raw rows whose record key a
-- new load delivers (7.1 s -> 1.7 s for a night at 1M people).
{{ config(
    materialized='incremental',
    unique_key='load_id',
    incremental_strategy='append',
    on_schema_change='append_new_columns'
) }}
{% set keyed = [
    ('salesforce', 'Lead', 'id'), ('salesforce', 'Contact', 'id'),
    ('salesforce', 'Account', 'id'), ('salesforce', 'Opportunity', 'id'),
    ('salesforce', 'OpportunityHistory', 'id'), ('salesforce', 'OpportunityContactRole', 'id'),
    ('salesforce', 'Campaign', 'id'), ('salesforce', 'CampaignMember', 'id'),
    ('marketo', 'leads', 'id'), ('marketo', 'activities', 'marketo_guid'),
    ('marketo', 'programs', 'id'), ('marketo', 'activity_types', 'id'),
] %}
with load_log as (
    select * from {{ source('meta', 'load_log') }}
),

quarantine as (
    select * from {{ source('meta', 'quarantine') }}
),

new_loads as (
    select load_id
    from load_log
{%- if is_incremental() %}
    where load_id not in (select load_id from {{ this }})
{%- endif %}
),

load_order as (
    select
        load_id,
        row_number() over (order by loaded_at, path) as load_number
    from load_log
),

-- The load of each record key's first delivery: the smallest (load number, line) packed into
-- one bigint, so the aggregate per key is a fixed-size min that spills (a row_number window
-- over every raw row sorted 54M rows: 43 s at 1M people; arg_min over a struct ran out of
-- memory).
-- At night only the keys a new load delivers can have their first delivery in a new load.
first_deliveries as (
{%- for system, object, key in keyed %}
    select min(load_order.load_number * 4294967296 + delivered._line) // 4294967296 as load_number
    from {{ source(system, object) }} as delivered
    inner join load_order on load_order.load_id = delivered._load_id
{%- if is_incremental() %}
    semi join (
        select {{ key }} as key
        from {{ source(system, object) }}
        where _load_id in (select load_id from new_loads)
    ) as new_keys on new_keys.key is not distinct from delivered.{{ key }}
{%- endif %}
    group by delivered.{{ key }}
    {{ 'union all' if not loop.last }}
{%- endfor %}
),

delivered_rows as (
{%- for system, object, key in keyed %}
    select _load_id as load_id, count(*) as delivered_rows
    from {{ source(system, object) }}
    where _load_id in (select load_id from new_loads)
    group by _load_id
    {{ 'union all' if not loop.last }}
{%- endfor %}
),

first_rows as (
    select load_order.load_id, count(*) as first_rows
    from first_deliveries
    inner join load_order on load_order.load_number = first_deliveries.load_number
    group by load_order.load_id
),

redeliveries as (
    select
        delivered_rows.load_id,
        delivered_rows.delivered_rows - coalesce(first_rows.first_rows, 0) as redelivered_rows
    from delivered_rows
    left join first_rows on first_rows.load_id = delivered_rows.load_id
),

quarantined as (
    select load_id, count(*) as quarantine_rows
    from quarantine
    group by load_id
),

lead_dates as (
    select
        _load_id as load_id,
        count(*) filter (where created_date is null) as rows_without_created_date,
        count(*) filter (
            where created_date is null and last_modified_date is null
                and system_modstamp is null and converted_date is null
        ) as rows_without_any_date
    from {{ source('salesforce', 'Lead') }}
    where _load_id in (select load_id from new_loads)
    group by _load_id
),

linkedin_accounts as (
    select
        _load_id as load_id,
        count(*) filter (
            where {{ linkedin_account_id('account_id', '_file') }} = 'unknown'
        ) as rows_without_account
    from {{ source('linkedin_ads', 'ad_analytics') }}
    where _load_id in (select load_id from new_loads)
    group by _load_id
),

final as (
    select
        load_log.load_id,
        load_log.system,
        load_log.object,
        load_log.path,
        load_log.format,
        load_log.status,
        load_log.error,
        load_log.loaded_at,
        load_log.rows_read,
        load_log.rows_loaded,
        load_log.rows_quarantined,
        coalesce(quarantined.quarantine_rows, 0) as quarantine_rows,
        load_log.lines_skipped,
        len(coalesce(load_log.extra_columns, [])) as extra_columns,
        case
            when load_log.system in ('salesforce', 'marketo')
                then coalesce(redeliveries.redelivered_rows, 0)
        end as redelivered_rows,
        load_log.rows_quarantined / nullif(load_log.rows_read, 0) as quarantine_rate,
        case
            when load_log.system = 'salesforce' and load_log.object = 'Lead'
                then coalesce(lead_dates.rows_without_created_date, 0)
        end as rows_without_created_date,
        case
            when load_log.system = 'salesforce' and load_log.object = 'Lead'
                then coalesce(lead_dates.rows_without_any_date, 0)
        end as rows_without_any_date,
        case
            when load_log.system = 'linkedin_ads'
                then coalesce(linkedin_accounts.rows_without_account, 0)
        end as rows_without_account
    from load_log
    semi join new_loads on new_loads.load_id = load_log.load_id
    left join quarantined on quarantined.load_id = load_log.load_id
    left join redeliveries on redeliveries.load_id = load_log.load_id
    left join lead_dates on lead_dates.load_id = load_log.load_id
    left join linkedin_accounts on linkedin_accounts.load_id = load_log.load_id
)

select * from final
