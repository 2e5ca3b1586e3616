"""Incremental fct_touch: which people's touches a night must recompute.

A person's touches are a function of their records in the crosswalk, the touches of those
records (Marketo activities, Salesforce campaign members), the programs and campaigns those
touches name, and two seeds. The engine gives fct_touch what changed in each of those since its
last build (`changed_rows`, `new_loads`), and `touch_changes` turns that into people, so a night
recomputes exactly the people whose inputs changed and the result equals a full rebuild:

- crosswalk: a record joining, leaving or changing person (merges, conversions, deletes):
  the old and the new person;
- loads not consumed: the people of the Marketo leads and Salesforce campaign members in them
  (late data included: it arrives in a new load), and the people holding those members'
  touches now (the people of the member's contact and of its lead);
- program / campaign: a changed program (synced campaign, type, channel) or campaign (type):
  the people with touches of it;
- rule: any change to the seeds utm_channel_rules or campaign_type_channels: everyone.
"""

from __future__ import annotations

from collections.abc import Sequence


def touch_changes(
    this: str,
    crosswalk_changes: str,
    program_changes: str,
    campaign_changes: str,
    rule_changes: Sequence[str],
    new_activity_loads: str,
    new_member_loads: str,
    crosswalk: str,
    programs: str,
    marketo_touches: str,
    salesforce_touches: str,
    raw_activities: str,
    raw_members: str,
) -> str:
    """A query of the person_ids whose touches must be recomputed (see the module docstring).

    `*_changes` are queries of the rows added or removed since the last build: of the
    crosswalk (source_system, source_object, source_id, person_id), programs (program_id,
    sfdc_campaign_id, program_type, channel), campaigns (campaign_id, campaign_type) and each
    channel seed; `new_*_loads` are queries of the activity and campaign member loads not
    consumed yet."""
    rules = "\n    union all\n    ".join(
        f"select 1 as changed from ({query}) as rule_rows" for query in rule_changes
    )
    return f"""
with crosswalk_changes as (
    select person_id
    from ({crosswalk_changes}) as changed
    where (source_system = 'marketo' and source_object = 'leads')
        or (source_system = 'salesforce' and source_object in ('Lead', 'Contact'))
),

program_changes as (
    {program_changes}
),

rule_changes as (
    {rules}
),

changed_programs as (
    select program_id from program_changes
),

changed_campaigns as (
    select campaign_id from ({campaign_changes}) as changed
    union
    select sfdc_campaign_id from program_changes
),

touched_programs as (
    select program_id from changed_programs
    union
    select program_id
    from {programs}
    where sfdc_campaign_id in (select campaign_id from changed_campaigns)
),

marketo_people as (
    select try_cast(source_id as bigint) as lead_id, person_id
    from {crosswalk}
    where source_system = 'marketo' and source_object = 'leads'
),

changed_leads as (
    select try_cast(lead_id as bigint) as lead_id
    from {raw_activities}
    where _load_id in ({new_activity_loads})
    union
    select marketo_lead_id
    from {marketo_touches}
    where program_id in (select program_id from touched_programs)
),

changed_members as (
    select distinct id as campaign_member_id
    from {raw_members}
    where _load_id in ({new_member_loads})
),

-- the contacts and leads of the responses of changed members or campaigns: their people hold
-- those touches now (a member's person is its contact's, else its lead's; both are taken)
changed_responses as (
    select contact_id, lead_id
    from {salesforce_touches}
    where source_record_id in (select campaign_member_id from changed_members)
        or campaign_id in (select campaign_id from changed_campaigns)
),

responding_records as (
    select 'Contact' as source_object, contact_id as source_id
    from changed_responses
    where contact_id is not null
    union
    select 'Lead', lead_id
    from changed_responses
    where lead_id is not null
)

select person_id from crosswalk_changes
union
select marketo_people.person_id
from changed_leads
inner join marketo_people on marketo_people.lead_id = changed_leads.lead_id
union
select crosswalk.person_id
from {crosswalk} as crosswalk
inner join responding_records
    on crosswalk.source_system = 'salesforce'
    and crosswalk.source_object = responding_records.source_object
    and crosswalk.source_id = responding_records.source_id
union
select person_id
from {this}
where touch_id in (select 'salesforce:' || campaign_member_id from changed_members)
    or program_id in (select program_id from touched_programs)
    or campaign_id in (select campaign_id from changed_campaigns)
union
-- everyone, filtered in each branch: a filter on the union ran its 16M-row distinct first (1.8 s
-- at 1M people on nights without a rule change)
select person_id from {this} where exists (select 1 from rule_changes)
union
select person_id from {crosswalk} where exists (select 1 from rule_changes)
"""
