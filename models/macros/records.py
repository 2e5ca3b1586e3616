"""Incremental int_identity__records: the records a night must rebuild.

A record is a function of its own staged row, the name of its account (contacts) and the seed
role_mailboxes. Every staged row that can change arrives in a load: a Salesforce Lead or
Contact is re-staged from the loads of its id; a Marketo lead from the loads of its id, and it
is dropped or restored by the "Delete Lead" and "Merge Leads" activities in the activity loads
(of the deleted or merging lead, and of the ids a merge names). So the records to rebuild are
those named in the loads int_identity__records has not consumed (`new_loads`; late files
included), the contacts of accounts in those loads, and the records whose local part entered
or left role_mailboxes (`changed_rows`). A new load of activity types may rename a type to or
from "Delete Lead" or "Merge Leads": every Marketo record is rebuilt then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def marketo_merged_ids(attributes: str) -> str:
    """SQL: the lead ids a "Merge Leads" activity merged into its lead, from its attribute
    "Merge Ids" (a JSON array or a comma-separated text, depending on the extract)."""
    return f"""cast(
        regexp_extract_all(
            coalesce(
                {attributes} ->> 'Merge Ids',
                {attributes} ->> 'Merge ids',
                {attributes} ->> 'mergeIds'
            ),
            '[0-9]+'
        ) as bigint []
    )"""


def record_changes(
    this: str,
    raw: dict[str, Any],
    new_loads: Callable[[Any], str],
    role_changes: str,
    activity_types: str,
    contacts: str,
    marketo_leads: str,
    local_part: str,
) -> str:
    """A query of the (source_object, source_id) of the records to rebuild (module doc).

    `raw` maps 'Contact', 'Lead', 'Account', 'leads', 'activities' and 'activity_types' to
    their sources; `new_loads` is the engine's helper (a query of a source's loads not consumed);
    `role_changes` is a query of the role_mailboxes rows (`local_part`) added or removed since;
    `contacts` and `marketo_leads` are the staged contacts and Marketo leads; `local_part` is
    the SQL of the role-mailbox part of `email_normalised` (email_local_part)."""

    def delivered(name: str) -> str:
        loads = new_loads(raw[name])
        return (
            f"from {raw[name]} as delivered\n"
            f"semi join ({loads}) as new_loads on new_loads.load_id = delivered._load_id"
        )

    return f"""
with new_activities as (
    select delivered.marketo_guid
    {delivered("activities")}
),

-- every delivered version of the activities in new loads that deletes or merges leads
lead_events as (
    select
        versions.lead_id,
        activity_types.activity_type_name,
        case when activity_types.activity_type_name = 'Merge Leads'
            then {marketo_merged_ids("versions.attributes")}
        end as merged_ids
    from {raw["activities"]} as versions
    semi join new_activities on new_activities.marketo_guid = versions.marketo_guid
    inner join {activity_types} as activity_types
        on activity_types.activity_type_id = cast(versions.activity_type_id as integer)
    where activity_types.activity_type_name in ('Delete Lead', 'Merge Leads')
),

-- a deleted lead's own merges stop counting: the leads it merged are restored
deleted_leads_merges as (
    select {marketo_merged_ids("merges.attributes")} as merged_ids
    from {raw["activities"]} as merges
    inner join {activity_types} as activity_types
        on activity_types.activity_type_id = cast(merges.activity_type_id as integer)
    where activity_types.activity_type_name = 'Merge Leads'
        and merges.lead_id in (
            select lead_id from lead_events where activity_type_name = 'Delete Lead'
        )
),

renamed_types as (
    select 1 from ({new_loads(raw["activity_types"])}) as new_type_loads
),

marketo_ids as (
    select delivered.id as lead_id
    {delivered("leads")}
    union
    select lead_id from lead_events
    union
    select unnest(merged_ids) from lead_events
    union
    select unnest(merged_ids) from deleted_leads_merges
    union
    select lead_id from {marketo_leads} where exists (select 1 from renamed_types)
    union
    select cast(source_id as bigint) from {this}
    where source_object = 'leads' and exists (select 1 from renamed_types)
),

changed_accounts as (
    select delivered.id
    {delivered("Account")}
),

role_changes as (
    select lower(trim(local_part)) as local_part from ({role_changes}) as changed
)

select 'Contact' as source_object, delivered.id as source_id
{delivered("Contact")}
union
select 'Lead', delivered.id
{delivered("Lead")}
union
select 'Contact', contact_id
from {contacts}
where account_id in (select id from changed_accounts)
union
select 'leads', cast(lead_id as varchar)
from marketo_ids
where lead_id is not null
union
select source_object, source_id
from {this}
where {local_part} in (select local_part from role_changes)
"""
