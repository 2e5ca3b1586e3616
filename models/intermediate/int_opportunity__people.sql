-- People linked to opportunities, one row per (opportunity, person). Links come from
-- OpportunityContactRole (the contact's person; role and primary flag as in the CRM) and from
-- lead conversion (the converted lead's ConvertedOpportunityId; the person of that lead). A
-- person linked both ways keeps the contact role (link_rule 'contact_role'). A conversion-only
-- link is primary when the opportunity has no primary contact role. Ids only: never names.
with contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_role') }}
),

leads as (
    select * from {{ ref('stg_salesforce__lead') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunity') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

role_links as (
    select
        contact_roles.opportunity_id,
        crosswalk.person_id,
        contact_roles.role,
        contact_roles.is_primary,
        'contact_role' as link_rule,
        1 as link_rank,
        contact_roles.created_at as linked_at
    from contact_roles
    inner join crosswalk
        on crosswalk.source_system = 'salesforce'
        and crosswalk.source_object = 'Contact'
        and crosswalk.source_id = contact_roles.contact_id
),

conversion_links as (
    select
        leads.converted_opportunity_id as opportunity_id,
        crosswalk.person_id,
        null as role,
        false as is_primary,
        'lead_conversion' as link_rule,
        2 as link_rank,
        cast(leads.converted_date as timestamp) as linked_at
    from leads
    inner join crosswalk
        on crosswalk.source_system = 'salesforce'
        and crosswalk.source_object = 'Lead'
        and crosswalk.source_id = leads.lead_id
    where leads.converted_opportunity_id is not null
),

all_links as (
    select * from role_links
    union all
    select * from conversion_links
),

per_person as (
    select
        all_links.opportunity_id,
        all_links.person_id,
        first(all_links.role order by all_links.is_primary desc, all_links.link_rank)
            filter (where all_links.role is not null) as role,
        bool_or(all_links.is_primary) as is_primary_role,
        min(all_links.link_rank) as link_rank,
        min(all_links.linked_at) as linked_at
    from all_links
    semi join opportunities on opportunities.opportunity_id = all_links.opportunity_id
    group by all_links.opportunity_id, all_links.person_id
),

flagged as (
    select
        *,
        bool_or(is_primary_role) over (partition by opportunity_id) as has_primary_role
    from per_person
),

final as (
    select
        opportunity_id,
        person_id,
        role,
        is_primary_role or (link_rank = 2 and not has_primary_role) as is_primary,
        case link_rank when 1 then 'contact_role' else 'lead_conversion' end as link_rule,
        linked_at
    from flagged
)

select * from final
