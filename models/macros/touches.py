"""Incremental fct_touch: which people's touches a night must recompute.

A person's touches are a function of their records in the crosswalk, the touches of those
records (Marketo activities, Salesforce campaign members), the programs and campaigns those
touches name, and two seeds. `touch_inputs` lists those inputs as (kind, key, value) rows;
fct_touch keeps the list it was last built from in a snapshot table, and `touch_changes`
compares the two, so a night recomputes exactly the people whose inputs changed and the result
equals a full rebuild:

- `crosswalk`: a record joining, leaving or changing person (merges, conversions, deletes):
  the old and the new person;
- `load`: loads since the snapshot: the people of the Marketo leads and Salesforce campaign
  members in them (late data included: it arrives in a new load), and the people holding
  those members' touches now (the people of the member's contact and of its lead);
- `program` / `campaign`: a changed program (synced campaign, type, channel) or campaign (type):
  the people with touches of it;
- `rule`: any change to the seeds utm_channel_rules or campaign_type_channels: everyone.
"""

from __future__ import annotations


def touch_inputs(
    crosswalk: str,
    programs: str,
    campaigns: str,
    load_log: str,
    utm_rules: str,
    type_channels: str,
) -> str:
    """A query of the inputs fct_touch depends on, as (kind, key, value) varchar rows."""
    return f"""
    select 'crosswalk' as kind, source_system || ':' || source_object || ':' || source_id as key,
        person_id as value
    from {crosswalk}
    where (source_system = 'marketo' and source_object = 'leads')
        or (source_system = 'salesforce' and source_object in ('Lead', 'Contact'))
    union all
    select 'program', cast(program_id as varchar), cast(to_json(struct_pack(
        sfdc_campaign_id, program_type, channel)) as varchar)
    from {programs}
    union all
    select 'campaign', campaign_id, cast(to_json(struct_pack(campaign_type)) as varchar)
    from {campaigns}
    union all
    select 'load', load_id, null from {load_log}
    union all
    select 'rule', 'utm_channel_rules', cast(to_json(rules) as varchar) from {utm_rules} as rules
    union all
    select 'rule', 'campaign_type_channels', cast(to_json(types) as varchar)
    from {type_channels} as types
"""


def touch_changes(
    this: str,
    snapshot: str,
    crosswalk: str,
    programs: str,
    campaigns: str,
    load_log: str,
    utm_rules: str,
    type_channels: str,
    marketo_touches: str,
    salesforce_touches: str,
    raw_activities: str,
    raw_members: str,
) -> str:
    """A query of the person_ids whose touches must be recomputed (see the module docstring):
    the `touch_inputs` of these relations against `snapshot`, the last build's inputs."""
    inputs = touch_inputs(crosswalk, programs, campaigns, load_log, utm_rules, type_channels)
    return f"""
with inputs as ({inputs}),

changes as (
    (select * from inputs except select * from {snapshot})
    union all
    (select * from {snapshot} except select * from inputs)
),

new_loads as (
    select key as load_id from changes where kind = 'load'
),

rule_changes as (
    select key from changes where kind = 'rule'
),

changed_programs as (
    select try_cast(key as bigint) as program_id from changes where kind = 'program'
),

changed_campaigns as (
    select key as campaign_id from changes where kind = 'campaign'
    union
    select value ->> 'sfdc_campaign_id' from changes where kind = 'program'
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
    where _load_id in (select load_id from new_loads)
    union
    select marketo_lead_id
    from {marketo_touches}
    where program_id in (select program_id from touched_programs)
),

changed_members as (
    select distinct id as campaign_member_id
    from {raw_members}
    where _load_id in (select load_id from new_loads)
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

select value as person_id from changes where kind = 'crosswalk'
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
