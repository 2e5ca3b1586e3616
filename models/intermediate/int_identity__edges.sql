-- Deterministic identity links between person records, one row per link and rule:
--   1 map_crm_id       a Marketo lead's sfdcContactId / sfdcLeadId
--   2 lead_conversion  a Salesforce lead's ConvertedContactId
--   3 merge            a merged (deleted) record -> its survivor (MasterRecordId, Marketo merges)
--   4 email            records sharing a normalised email, never a role mailbox or an invalid
--                      address, and only while at most var('identity_email_max_records') records
--                      share it (a widely shared address is not one person's)
-- A link is kept only when both ends are known records (live, or merged away).
with records as (
    select * from {{ ref('int_identity__records') }}
),

merges as (
    select * from {{ ref('int_identity__merges') }}
),

merged_nodes as (
    select
        {{ record_key('source_system', 'source_object', 'merged_id') }} as record_key,
        source_system,
        source_object,
        merged_id as source_id,
        {{ record_key('source_system', 'source_object', 'survivor_id') }} as survivor_key
    from merges
),

nodes as (
    select record_key from records
    union
    select record_key from merged_nodes
),

map_crm_id as (
    select
        records.record_key as from_key,
        '1|salesforce|Contact|' || records.sfdc_contact_id as to_key,
        'map_crm_id' as match_rule
    from records
    where records.sfdc_contact_id is not null
    union all
    select
        records.record_key as from_key,
        '2|salesforce|Lead|' || records.sfdc_lead_id as to_key,
        'map_crm_id' as match_rule
    from records
    where records.sfdc_lead_id is not null
),

lead_conversion as (
    select
        record_key as from_key,
        '1|salesforce|Contact|' || converted_contact_id as to_key,
        'lead_conversion' as match_rule
    from records
    where converted_contact_id is not null
),

merge as (
    select
        record_key as from_key,
        survivor_key as to_key,
        'merge' as match_rule
    from merged_nodes
),

email_groups as (
    select
        email_normalised,
        min(record_key) as anchor_key,
        count(*) as records_with_email
    from records
    where is_matchable_email
    group by email_normalised
),

email as (
    select
        records.record_key as from_key,
        email_groups.anchor_key as to_key,
        'email' as match_rule
    from records
    inner join email_groups on email_groups.email_normalised = records.email_normalised
    where records.is_matchable_email
        and records.record_key <> email_groups.anchor_key
        and email_groups.records_with_email <= {{ var('identity_email_max_records', 20) }}
),

all_edges as (
    select * from map_crm_id
    union all
    select * from lead_conversion
    union all
    select * from merge
    union all
    select * from email
),

final as (
    select distinct
        all_edges.from_key,
        all_edges.to_key,
        all_edges.match_rule,
        case all_edges.match_rule
            when 'map_crm_id' then 1
            when 'lead_conversion' then 2
            when 'merge' then 3
            else 4
        end as rule_rank
    from all_edges
    semi join nodes as from_nodes on from_nodes.record_key = all_edges.from_key
    semi join nodes as to_nodes on to_nodes.record_key = all_edges.to_key
    where all_edges.from_key <> all_edges.to_key
)

select * from final
