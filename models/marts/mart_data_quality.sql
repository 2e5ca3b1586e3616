-- Data quality per source object and load (meta.load_log, one row per delivered file): rows
-- in (rows_read), loaded, quarantined (the log's count and the rows in meta.quarantine),
-- lines skipped, and duplicate_rows = loaded rows whose record key was already delivered
-- (an earlier load, or earlier in the same file; loads ordered by loaded_at, then path):
-- re-deliveries that staging resolves (latest version wins). Record keys: Id for Salesforce
-- objects, id for Marketo leads, programs and activity types, marketoGUID for activities;
-- NULL for ad platforms and FX (their restatements replace whole days). Rejected files have
-- no rows. The per-period duplicate_record_rate and invalid_email_rate are in mart_kpis.
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

delivered_keys as (
{%- for system, object, key in keyed %}
    select
        '{{ system }}' as system,
        '{{ object }}' as object,
        cast({{ key }} as varchar) as record_key,
        _load_id as load_id,
        _line as line
    from {{ source(system, object) }}
    {{ 'union all' if not loop.last }}
{%- endfor %}
),

ordered as (
    select
        delivered_keys.*,
        row_number() over (
            partition by delivered_keys.system, delivered_keys.object, delivered_keys.record_key
            order by load_log.loaded_at, load_log.path, delivered_keys.line
        ) as delivery_number
    from delivered_keys
    inner join load_log on load_log.load_id = delivered_keys.load_id
),

duplicates as (
    select
        load_id,
        count(*) filter (where delivery_number > 1) as duplicate_rows
    from ordered
    group by load_id
),

quarantined as (
    select load_id, count(*) as quarantine_rows
    from quarantine
    group by load_id
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
                then coalesce(duplicates.duplicate_rows, 0)
        end as duplicate_rows,
        load_log.rows_quarantined / nullif(load_log.rows_read, 0) as quarantine_rate
    from load_log
    left join quarantined on quarantined.load_id = load_log.load_id
    left join duplicates on duplicates.load_id = load_log.load_id
)

select * from final
