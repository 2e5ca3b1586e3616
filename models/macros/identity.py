"""Incremental identity crosswalk: the records a night must label again.

People are the connected components of the links between records. A link present in the last
build and tonight joins two records of one old person, so once every record of a person that
has a changed record (new, gone, or different) or a changed link (new or gone) is relabelled
together with the new records, every link of those records stays inside that set: labelling it
alone gives the components a full build gives, and every other person is unchanged.
"""

from __future__ import annotations

_NODE_COLUMNS = "record_key, source_system, source_object, source_id, is_merged_away"


def record_key(source_system: str, source_object: str, source_id: str) -> str:
    """SQL: the record key of int_identity__records (CRM contacts sort first, then CRM leads,
    then MAP leads) for records named by their system, object and id."""
    rank = (
        f"case when {source_object} = 'Contact' then 1 "
        f"when {source_object} = 'Lead' then 2 else 3 end"
    )
    return f"concat_ws('|', {rank}, {source_system}, {source_object}, {source_id})"


def crosswalk_nodes(records: str, merges: str) -> str:
    """A query of every person record: the live ones of `records` and the merged-away ids of
    `merges` (is_merged_away) that are not live records themselves."""
    return f"""
    select record_key, source_system, source_object, source_id, false as is_merged_away
    from {records}
    union all
    select merged.record_key, merged.source_system, merged.source_object, merged.source_id,
        true as is_merged_away
    from (
        select
            {record_key("source_system", "source_object", "merged_id")} as record_key,
            source_system,
            source_object,
            merged_id as source_id
        from {merges}
    ) as merged
    anti join {records} as live on live.record_key = merged.record_key
"""


def crosswalk_affected(this: str, changed_edges: str, records: str, merges: str) -> str:
    """A query of the record_keys to relabel: the records of every person (in `this`) with a
    changed record or link, and the changed records and link ends themselves. `changed_edges`
    is a query of the links (from_key, to_key) added or removed since the last build."""
    return f"""
with nodes as ({crosswalk_nodes(records, merges)}),

changed_nodes as (
    (select {_NODE_COLUMNS} from nodes except select {_NODE_COLUMNS} from {this})
    union all
    (select {_NODE_COLUMNS} from {this} except select {_NODE_COLUMNS} from nodes)
),

changed_edges as (
    {changed_edges}
),

seeds as (
    select record_key from changed_nodes
    union
    select from_key from changed_edges
    union
    select to_key from changed_edges
),

changed_people as (
    select distinct built.person_key
    from {this} as built
    semi join seeds on seeds.record_key = built.record_key
)

select record_key from seeds
union
select built.record_key
from {this} as built
semi join changed_people on changed_people.person_key = built.person_key
"""
