-- The identity crosswalk: every person record -> its person, with the rule that linked it.
-- People are the connected components of the links in int_identity__edges, found in SQL by
-- iterative minimum-label propagation: every record starts labelled with its own record_key;
-- each round, a record whose neighbour carries a smaller label takes the smallest one. DuckDB's
-- `recursive ... using key (record_key)` keeps one row per record, and only records whose label
-- changed feed the next round, so it stops exactly when the labels are stable (at most the
-- component's diameter rounds). The final label is the component's smallest record_key, i.e. its
-- best record (CRM contact < CRM lead < MAP lead); person_id is an md5 of it.
-- match_rule: the highest-priority rule among the record's own links (map_crm_id, then
-- lead_conversion, merge, email); 'self' for a record linked to nothing.
-- Merged-away records (is_merged_away) are kept so old references to them still resolve.
with records as (
    select * from {{ ref('int_identity__records') }}
),

edges as (
    select * from {{ ref('int_identity__edges') }}
),

merges as (
    select * from {{ ref('int_identity__merges') }}
),

merged_records as (
    select
        concat_ws(
            '|',
            case when source_object = 'Contact' then 1 when source_object = 'Lead' then 2 else 3 end,
            source_system,
            source_object,
            merged_id
        ) as record_key,
        source_system,
        source_object,
        merged_id as source_id,
        true as is_merged_away
    from merges
),

nodes as (
    select record_key, source_system, source_object, source_id, false as is_merged_away
    from records
    union all
    select merged_records.*
    from merged_records
    anti join records on records.record_key = merged_records.record_key
),

undirected as (
    select from_key, to_key from edges
    union
    select to_key as from_key, from_key as to_key from edges
),

components as (
    with recursive labels (record_key, label) using key (record_key) as (
        select record_key, record_key as label
        from nodes
        union
        select
            undirected.to_key as record_key,
            min(labels.label) as label
        from labels
        inner join undirected on undirected.from_key = labels.record_key
        inner join recurring.labels as current_labels
            on current_labels.record_key = undirected.to_key
        where labels.label < current_labels.label
        group by undirected.to_key
    )
    select * from labels
),

record_rules as (
    select
        record_key,
        min(rule_rank) as rule_rank
    from (
        select from_key as record_key, rule_rank from edges
        union all
        select to_key as record_key, rule_rank from edges
    ) as touching
    group by record_key
),

final as (
    select
        nodes.source_system,
        nodes.source_object,
        nodes.source_id,
        md5(components.label) as person_id,
        case record_rules.rule_rank
            when 1 then 'map_crm_id'
            when 2 then 'lead_conversion'
            when 3 then 'merge'
            when 4 then 'email'
            else 'self'
        end as match_rule,
        nodes.is_merged_away,
        nodes.record_key,
        components.label as person_key
    from nodes
    inner join components on components.record_key = nodes.record_key
    left join record_rules on record_rules.record_key = nodes.record_key
)

select * from final
