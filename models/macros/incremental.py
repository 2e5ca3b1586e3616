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


def salesforce_changed_versions(
    this: str,
    lookback_days: int,
    raw: str,
    load_log: str,
    object_name: str,
) -> str:
    """The CTEs `watermark`, `recent_files`, `changed_ids` and `versions` (every delivered
    version of the records in recent files), each followed by a comma, for a Salesforce
    staging model incremental on its id. Recent files are those within the lookback of the
    newest `updated_at` in `this`. Every version of a changed id is read, so its CDC is
    computed exactly as a full build computes it."""
    recent = _recent_files(
        this, "cast(max(updated_at) as date)", lookback_days, load_log, "salesforce", object_name
    )
    return f"""{recent}
changed_ids as (
    select distinct delivered.id
    from {raw} as delivered
    semi join recent_files on recent_files.path = delivered._file
),

versions as (
    select delivered.*
    from {raw} as delivered
    semi join changed_ids on changed_ids.id = delivered.id
),
"""
