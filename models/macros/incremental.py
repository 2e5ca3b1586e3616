"""Incremental macros: what a night recomputes, from the loads it has not consumed yet.

The engine hands an incremental model the loads of a source its last build did not consume
(`new_loads(source)`, see README 'Incremental models'); these macros turn them into the records
and days to recompute. Late deliveries are new loads too, whatever the date in their names.
"""

from __future__ import annotations


def delivered_ids(raw: str, new_loads: str, key: str = "id", as_name: str = "id") -> str:
    """A query of the distinct `key` (named `as_name`) of the rows of `raw` delivered in
    `new_loads` (a query of load ids)."""
    return f"""select distinct delivered.{key} as {as_name}
    from {raw} as delivered
    semi join ({new_loads}) as new_loads on new_loads.load_id = delivered._load_id"""


def marketo_new_deliveries(raw_activities: str, new_loads: str, activity_types: str) -> str:
    """The CTEs `new_loads`, `new_deliveries` and `deleting_leads`, each followed by a comma,
    for a model incremental by day over Marketo activities: the activity loads not consumed
    (`new_loads`), their raw rows, and the leads a "Delete Lead" activity in them deletes."""
    return f"""new_loads as (
    {new_loads}
),

new_deliveries as (
    select delivered.marketo_guid, delivered.lead_id, delivered.activity_type_id
    from {raw_activities} as delivered
    semi join new_loads on new_loads.load_id = delivered._load_id
),

deleting_leads as (
    select distinct new_deliveries.lead_id
    from new_deliveries
    inner join {activity_types} as activity_types
        on activity_types.activity_type_id = cast(new_deliveries.activity_type_id as integer)
    where activity_types.activity_type_name = 'Delete Lead'
),
"""


def salesforce_versions(raw: str, rebuilt: str | None = None, key: str = "id") -> str:
    """The CTE `versions`, followed by a comma: every delivered version of `raw`; on a night
    (`rebuilt`: the relation of the ids it recomputes, column `key`) every version of those
    ids only, so their CDC is computed exactly as a full build computes it."""
    if rebuilt is None:
        return f"versions as (\n    select * from {raw}\n),\n"
    return f"""versions as (
    select delivered.*
    from {raw} as delivered
    semi join {rebuilt} as rebuilt on rebuilt.{key} = delivered.id
),
"""
