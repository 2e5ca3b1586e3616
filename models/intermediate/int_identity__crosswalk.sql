-- The identity crosswalk: every person record -> its person, with the rule that linked it.
-- People are the connected components of the links in int_identity__edges, found in SQL by
-- iterative minimum-label propagation: every record starts labelled with its own number (records
-- numbered in record_key order); each round, a record whose neighbour carries a smaller label
-- takes the smallest one. DuckDB's `recursive ... using key (node_id)` keeps one row per
-- record, and only records whose label changed feed the next round, so it stops exactly when
-- the labels are stable (at most the component's diameter rounds). The final label is the
-- component's smallest record_key, i.e. its best record (CRM contact < CRM lead < MAP lead);
-- person_id is an md5 of it.
-- match_rule: the highest-priority rule among the record's own links (map_crm_id, then
-- lead_conversion, merge, email); 'self' for a record linked to nothing.
-- Merged-away records (is_merged_away) are kept so old references to them still resolve.
-- Incremental on record_key (delete+insert of whole people): a night compares the records with
-- the built ones and the links with those of the last build (`changed_rows`), and rebuilds
-- (`rebuild()`, macros/identity.py) every record of a person that has a changed record or
-- link, plus the new records. A link that
-- did not change joins two records of one old person, so a changed person's records and the
-- changed links' ends hold every link of their new components: the night deletes those
-- records and labels them again on their own, and the rest is what a full build gives.
{{ config(
    materialized='incremental',
    unique_key='record_key',
    incremental_strategy='delete+insert',
    changes_from=[ref('int_identity__edges')]
) }}
{% macro rebuild() -%}
{{ crosswalk_affected(this,
    changed_rows(ref('int_identity__edges'), ['from_key', 'to_key', 'rule_rank']),
    ref('int_identity__records'), ref('int_identity__merges')) }}
{%- endmacro %}
with records as (
    select * from {{ ref('int_identity__records') }}
),

edges as (
    select * from {{ ref('int_identity__edges') }}
),

merges as (
    select * from {{ ref('int_identity__merges') }}
),

all_nodes as (
    {{ crosswalk_nodes('records', 'merges') }}
),

nodes as (
    select *
    from all_nodes
{%- if is_incremental() %}
    where record_key in (select record_key from {{ rebuilt() }})
{%- endif %}
),

-- Propagation runs on integers: node_id numbers the records in record_key order, so the
-- smallest node_id of a component is its smallest record_key.
node_ids as (
    select record_key, row_number() over (order by record_key) as node_id
    from nodes
),

-- at night only links between affected records (every link of an affected record is one)
id_edges as (
    select from_ids.node_id as from_id, to_ids.node_id as to_id
    from edges
    inner join node_ids as from_ids on from_ids.record_key = edges.from_key
    inner join node_ids as to_ids on to_ids.record_key = edges.to_key
),

undirected as (
    select from_id, to_id from id_edges
    union
    select to_id as from_id, from_id as to_id from id_edges
),

labels as (
    with recursive labels (node_id, label) using key (node_id) as (
        select node_id, node_id as label
        from node_ids
        union
        select
            undirected.to_id as node_id,
            min(labels.label) as label
        from labels
        inner join undirected on undirected.from_id = labels.node_id
        inner join recurring.labels as current_labels
            on current_labels.node_id = undirected.to_id
        where labels.label < current_labels.label
        group by undirected.to_id
    )
    select * from labels
),

components as (
    select node_ids.record_key, label_ids.record_key as label
    from labels
    inner join node_ids on node_ids.node_id = labels.node_id
    inner join node_ids as label_ids on label_ids.node_id = labels.label
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
