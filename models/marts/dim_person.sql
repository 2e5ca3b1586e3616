-- One row per person (a connected component of int_identity__crosswalk).
-- Identity fields by survivorship: the first non-empty value from the person's records ordered
-- CRM contact, then CRM lead, then MAP lead, most recently updated first within a kind.
-- UTM fields come from the person's Marketo leads (earliest created first). Lifecycle dates are
-- the "reached" times of int_lifecycle__stages (earliest entry into the stage or any later one).
-- No phone numbers or other PII beyond name, title and email.
with crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

stages as (
    select * from {{ ref('int_lifecycle__stages') }}
),

person_records as (
    select
        crosswalk.person_id,
        records.*
    from records
    inner join crosswalk on crosswalk.record_key = records.record_key
),

survivors as (
    select
        person_id,
        first(email_normalised order by source_rank, updated_at desc, record_key)
            filter (where email_normalised is not null) as email,
        first(first_name order by source_rank, updated_at desc, record_key)
            filter (where first_name is not null) as first_name,
        first(last_name order by source_rank, updated_at desc, record_key)
            filter (where last_name is not null) as last_name,
        first(title order by source_rank, updated_at desc, record_key)
            filter (where title is not null) as title,
        first(company order by source_rank, updated_at desc, record_key)
            filter (where company is not null) as company,
        first(country order by source_rank, updated_at desc, record_key)
            filter (where country is not null) as country,
        first(account_id order by source_rank, updated_at desc, record_key)
            filter (where account_id is not null) as account_id,
        first(lead_source order by source_rank, updated_at desc, record_key)
            filter (where lead_source is not null) as lead_source,
        first(utm_source order by created_at, record_key)
            filter (where utm_source is not null and source_system = 'marketo') as utm_source,
        first(utm_medium order by created_at, record_key)
            filter (where utm_medium is not null and source_system = 'marketo') as utm_medium,
        first(utm_campaign order by created_at, record_key)
            filter (where utm_campaign is not null and source_system = 'marketo')
            as utm_campaign,
        count(*) as source_records,
        count(*) filter (where source_system = 'marketo') as marketo_records,
        count(*) filter (where source_object = 'Lead') as salesforce_lead_records,
        count(*) filter (where source_object = 'Contact') as salesforce_contact_records
    from person_records
    group by person_id
),

final as (
    select
        survivors.person_id,
        survivors.email,
        coalesce({{ email_local_part('survivors.email') }} in (
            select lower(trim(local_part)) from {{ source('seeds', 'role_mailboxes') }}
        ), false) as is_role_mailbox,
        {{ is_valid_email('survivors.email') }} as is_valid_email,
        survivors.first_name,
        survivors.last_name,
        survivors.title,
        survivors.company,
        survivors.country,
        survivors.account_id,
        survivors.lead_source,
        survivors.utm_source,
        survivors.utm_medium,
        survivors.utm_campaign,
        stages.lead_at,
        stages.mql_at,
        stages.sql_at,
        stages.opportunity_at,
        stages.customer_at,
        stages.furthest_stage,
        survivors.source_records,
        survivors.marketo_records,
        survivors.salesforce_lead_records,
        survivors.salesforce_contact_records
    from survivors
    left join stages on stages.person_id = survivors.person_id
)

select * from final
