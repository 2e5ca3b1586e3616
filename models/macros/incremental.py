"""Incremental macros: which deliveries a night has to look at."""

from __future__ import annotations


def _recent_files(
    this: str, newest: str, lookback_days: int, load_log: str, system: str, object_name: str
) -> str:
    """CTEs `watermark` and `recent_files`: the files of one landing object whose name date is
    on or after `newest` (a date expression over `this`) minus `lookback_days`, and every file
    without a date in its name, found in `load_log` (one row per file) instead of matching a
    regex on every raw row."""
    return f"""watermark as (
    select coalesce({newest}, date '1900-01-01') - cast({lookback_days} as integer) as since
    from {this}
),

recent_files as (
    select path
    from {load_log}
    where system = '{system}' and object = '{object_name}'
        and coalesce(
            try_cast(regexp_extract(path, '(\\d{{4}}-\\d{{2}}-\\d{{2}})', 1) as date)
                >= (select since from watermark),
            true
        )
),
"""


def marketo_new_deliveries(
    this: str,
    date_column: str,
    lookback_days: int,
    raw_activities: str,
    load_log: str,
    activity_types: str,
) -> str:
    """The CTEs `watermark`, `recent_files`, `new_deliveries` and `deleting_leads`, each
    followed by a comma, for a model incremental by day over Marketo activities: the activity
    files within the lookback of the newest `date_column` in `this`, their rows, and the leads
    a "Delete Lead" activity in them deletes."""
    recent = _recent_files(
        this, f"max({date_column})", lookback_days, load_log, "marketo", "activities"
    )
    return f"""{recent}
new_deliveries as (
    select delivered.marketo_guid, delivered.lead_id, delivered.activity_type_id
    from {raw_activities} as delivered
    semi join recent_files on recent_files.path = delivered._file
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
    """The table of the load ids `model` was last built from (see `salesforce_changed_versions`)."""
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
    select load_id
    from {load_log}
    where system = 'salesforce' and object = '{object_name}'
        and load_id not in (select load_id from {seen_loads(model)})
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


def salesforce_cdc_hooks(model: str, object_name: str, key: str) -> dict[str, object]:
    """The hooks of a Salesforce staging model incremental on `key` (the object's Id renamed),
    for `config(**...)`: before a night's run, forget the ids whose latest version is deleted
    (delete+insert only replaces ids that still have a row); after any run, remember the loads
    it has seen."""
    changed = (
        f"salesforce_changed_versions('{model}', source('salesforce', '{object_name}'), "
        f"source('meta', 'load_log'), '{object_name}')"
    )
    return {
        "pre_hook": [
            "{% if is_incremental() %}"
            f"create table if not exists {seen_loads(model)} (load_id varchar)"
            "{% endif %}",
            "{% if is_incremental() %}"
            f"delete from {{{{ this }}}} where {key} in ("
            f"with {{{{ {changed} }}}} "
            "latest as (select * from {{ latest_salesforce_versions('versions') }} as v) "
            "select id from latest where coalesce(is_deleted, false))"
            "{% endif %}",
        ],
        "post_hook": (
            f"{{{{ remember_loads('{model}', source('meta', 'load_log'), 'salesforce', "
            f"'{object_name}') }}}}"
        ),
    }
