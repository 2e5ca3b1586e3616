-- Every live person record (Marketo lead, Salesforce lead, Salesforce contact) in one shape,
-- with its normalised email judged for matching. `record_key` sorts CRM contacts before CRM
-- leads before MAP leads, so the smallest key of a person is its best (survivor) record.
-- Incremental on record_key: a night rebuilds the records named in the loads it has not
-- consumed, the contacts of re-delivered accounts and the records whose local part entered or
-- left role_mailboxes (macros/records.py: `rebuild()`); a record that is gone (deleted, merged
-- away) is deleted and not inserted again.
{{ config(
    materialized='incremental',
    unique_key='record_key',
    incremental_strategy='delete+insert',
    changes_from=[
        source('salesforce', 'Contact'), source('salesforce', 'Lead'),
        source('salesforce', 'Account'), source('marketo', 'leads'),
        source('marketo', 'activities'), source('marketo', 'activity_types'),
        source('seeds', 'role_mailboxes'),
    ],
) }}
{% macro rebuild() -%}
{{ record_changes(this,
    {'Contact': source('salesforce', 'Contact'), 'Lead': source('salesforce', 'Lead'),
     'Account': source('salesforce', 'Account'), 'leads': source('marketo', 'leads'),
     'activities': source('marketo', 'activities'),
     'activity_types': source('marketo', 'activity_types')},
    new_loads,
    changed_rows(source('seeds', 'role_mailboxes'), ['local_part']),
    ref('stg_marketo__activity_types'), ref('stg_salesforce__contact'),
    ref('stg_marketo__leads'), email_local_part('email_normalised')) }}
{%- endmacro %}
{%- macro changed(object) -%}
    (select source_id from {{ rebuilt() }} where source_object = '{{ object }}')
{%- endmacro %}
with marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
{%- if is_incremental() %}
    where cast(lead_id as varchar) in {{ changed('leads') }}
{%- endif %}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__lead') }}
{%- if is_incremental() %}
    where lead_id in {{ changed('Lead') }}
{%- endif %}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contact') }}
{%- if is_incremental() %}
    where contact_id in {{ changed('Contact') }}
{%- endif %}
),

accounts as (
    select * from {{ ref('stg_salesforce__account') }}
),

role_mailboxes as (
    select distinct lower(trim(local_part)) as local_part
    from {{ source('seeds', 'role_mailboxes') }}
),

contact_records as (
    select
        'salesforce' as source_system,
        'Contact' as source_object,
        salesforce_contacts.contact_id as source_id,
        1 as source_rank,
        salesforce_contacts.email_normalised,
        salesforce_contacts.first_name,
        salesforce_contacts.last_name,
        salesforce_contacts.title,
        accounts.account_name as company,
        salesforce_contacts.country,
        salesforce_contacts.account_id,
        salesforce_contacts.lead_source,
        null as status,
        null as utm_source,
        null as utm_medium,
        null as utm_campaign,
        null as sfdc_lead_id,
        null as sfdc_contact_id,
        null as converted_contact_id,
        salesforce_contacts.created_at,
        salesforce_contacts.updated_at
    from salesforce_contacts
    left join accounts on accounts.account_id = salesforce_contacts.account_id
),

lead_records as (
    select
        'salesforce' as source_system,
        'Lead' as source_object,
        lead_id as source_id,
        2 as source_rank,
        email_normalised,
        first_name,
        last_name,
        title,
        company,
        country,
        converted_account_id as account_id,
        lead_source,
        status,
        null as utm_source,
        null as utm_medium,
        null as utm_campaign,
        null as sfdc_lead_id,
        null as sfdc_contact_id,
        converted_contact_id,
        created_at,
        updated_at
    from salesforce_leads
),

marketo_records as (
    select
        'marketo' as source_system,
        'leads' as source_object,
        cast(lead_id as varchar) as source_id,
        3 as source_rank,
        email_normalised,
        first_name,
        last_name,
        title,
        company,
        country,
        sfdc_account_id as account_id,
        lead_source,
        lead_status as status,
        utm_source,
        utm_medium,
        utm_campaign,
        sfdc_lead_id,
        sfdc_contact_id,
        null as converted_contact_id,
        created_at,
        updated_at
    from marketo_leads
),

unioned as (
    select * from contact_records
    union all by name
    select * from lead_records
    union all by name
    select * from marketo_records
),

judged as (
    select
        unioned.*,
        concat_ws('|', source_rank, source_system, source_object, source_id) as record_key,
        {{ is_valid_email('unioned.email_normalised') }} as is_valid_email,
        role_mailboxes.local_part is not null as is_role_mailbox
    from unioned
    left join role_mailboxes
        on role_mailboxes.local_part = {{ email_local_part('unioned.email_normalised') }}
),

final as (
    select
        record_key,
        source_system,
        source_object,
        source_id,
        source_rank,
        email_normalised,
        is_valid_email,
        is_role_mailbox,
        is_valid_email and not is_role_mailbox as is_matchable_email,
        first_name,
        last_name,
        title,
        company,
        country,
        account_id,
        lead_source,
        status,
        utm_source,
        utm_medium,
        utm_campaign,
        sfdc_lead_id,
        sfdc_contact_id,
        converted_contact_id,
        created_at,
        updated_at
    from judged
)

select * from final
