"""Incremental macros: which Marketo activity deliveries a night has to look at."""

from __future__ import annotations


def marketo_new_deliveries(
    this: str,
    date_column: str,
    lookback_days: int,
    raw_activities: str,
    load_log: str,
    activity_types: str,
) -> str:
    """The CTEs `watermark`, `recent_files`, `new_deliveries` and `deleting_leads`, each
    followed by a comma, for a model incremental by day over Marketo activities.

    A night looks at the activity files whose name date is on or after the newest
    `date_column` in `this` minus `lookback_days` (files without a date in the name always),
    found in `load_log` (one row per file) instead of matching a regex on every raw row.
    `deleting_leads` are the leads a "Delete Lead" activity in those files deletes.
    """
    return f"""watermark as (
    select
        coalesce(max({date_column}), date '1900-01-01')
            - cast({lookback_days} as integer) as since
    from {this}
),

recent_files as (
    select path
    from {load_log}
    where system = 'marketo' and object = 'activities'
        and coalesce(
            try_cast(regexp_extract(path, '(\\d{{4}}-\\d{{2}}-\\d{{2}})', 1) as date)
                >= (select since from watermark),
            true
        )
),

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
