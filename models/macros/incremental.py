"""Incremental macros: which deliveries a night has to look at.

An incremental model remembers the loads it was built from (`remember_loads` in its post-hook,
into `seen_loads(model)`). meta.load_log only grows, so the loads it has not seen are exactly
the deliveries since its last build, late ones included, whatever the date in their names.
"""

from __future__ import annotations


def _unseen_loads(model: str, load_log: str, system: str, object_name: str) -> str:
    """A query of the loads of one landing object that `model` has not seen."""
    return f"""select load_id
    from {load_log}
    where system = '{system}' and object = '{object_name}'
        and load_id not in (select load_id from {seen_loads(model)})"""


def marketo_new_deliveries(
    model: str, raw_activities: str, load_log: str, activity_types: str
) -> str:
    """The CTEs `new_loads`, `new_deliveries` and `deleting_leads`, each followed by a comma,
    for a model incremental by day over Marketo activities: the activity loads `model` has not
    seen (`seen_loads`; late deliveries included, whatever the date in their names), their raw
    rows, and the leads a "Delete Lead" activity in them deletes."""
    return f"""new_loads as (
    {_unseen_loads(model, load_log, "marketo", "activities")}
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


def seen_loads(model: str) -> str:
    """The table of the load ids `model` was last built from (see the module docstring)."""
    return f"meta.{model}__loads"


def remember_loads(model: str, load_log: str, system: str, object_name: str) -> str:
    """A statement (for a post-hook) that records every load of one landing object as seen by
    `model`."""
    return (
        f"create or replace table {seen_loads(model)} as select load_id from {load_log} "
        f"where system = '{system}' and object = '{object_name}'"
    )


def salesforce_changed_versions(model: str, raw: str, load_log: str, object_name: str) -> str:
    """The CTEs `new_loads`, `changed_ids` and `versions` (every delivered version of the
    records in new loads), each followed by a comma, for a Salesforce staging model incremental
    on its id. New loads are those of meta.load_log (which only grows) that `model` has not
    seen (`remember_loads` in its post-hook): every delivery since its last build, late ones
    included, whatever the date in their names. Every version of a changed id is read, so its
    CDC is computed exactly as a full build computes it."""
    return f"""new_loads as (
    {_unseen_loads(model, load_log, "salesforce", object_name)}
),

changed_ids as (
    select distinct delivered.id
    from {raw} as delivered
    semi join new_loads on new_loads.load_id = delivered._load_id
),

versions as (
    select delivered.*
    from {raw} as delivered
    semi join changed_ids on changed_ids.id = delivered.id
),
"""


def salesforce_versions(
    model: str, raw: str, load_log: str, object_name: str, incremental: bool
) -> str:
    """The CTE `versions`, followed by a comma: every delivered version of `raw` on a full
    build; on an incremental run (`is_incremental()`) only those of the ids in new loads, after
    the CTEs of `salesforce_changed_versions`."""
    if incremental:
        return salesforce_changed_versions(model, raw, load_log, object_name)
    return f"versions as (\n    select * from {raw}\n),\n"


def _create_seen_loads(model: str) -> str:
    return (
        "{% if is_incremental() %}"
        f"create table if not exists {seen_loads(model)} (load_id varchar)"
        "{% endif %}"
    )


def _remember_loads_hook(model: str, system: str, object_name: str) -> str:
    return (
        f"{{{{ remember_loads('{model}', source('meta', 'load_log'), '{system}', "
        f"'{object_name}') }}}}"
    )


def seen_loads_hooks(model: str, system: str, object_name: str) -> dict[str, object]:
    """Hooks for `config(**...)` of a model that reads only new loads: create its seen-loads
    table before an incremental run, and remember every load after any run."""
    return {
        "pre_hook": [_create_seen_loads(model)],
        "post_hook": _remember_loads_hook(model, system, object_name),
    }


def salesforce_cdc_hooks(model: str, object_name: str, key: str) -> dict[str, object]:
    """The hooks of a Salesforce staging model incremental on `key` (the object's Id renamed),
    for `config(**...)`: before a night's run, forget the ids whose latest version is deleted
    (delete+insert only replaces ids that still have a row); after any run, remember the loads
    it has seen."""
    changed = (
        f"salesforce_changed_versions('{model}', source('salesforce', '{object_name}'), "
        f"source('meta', 'load_log'), '{object_name}')"
    )
    forget_deleted = (
        "{% if is_incremental() %}"
        f"delete from {{{{ this }}}} where {key} in ("
        f"with {{{{ {changed} }}}} "
        "latest as (select * from {{ latest_salesforce_versions('versions') }} as v) "
        "select id from latest where coalesce(is_deleted, false))"
        "{% endif %}"
    )
    return {
        "pre_hook": [_create_seen_loads(model), forget_deleted],
        "post_hook": _remember_loads_hook(model, "salesforce", object_name),
    }
