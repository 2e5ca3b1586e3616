-- Each person's ICP fit from the first firmographics known, in the order: their account (the
-- survivor account of dim_person: contact AccountId, lead ConvertedAccountId, Marketo
-- sfdcAccountId, by record survivorship), then their Salesforce leads, then their Marketo leads
-- (most recently updated first within a kind). Fits per holder come from
-- int_icp__firmographics; a holder whose fit is `unknown` (an attribute the rules need is
-- missing and none fails) does not decide, the next one is asked. icp_source names the holder
-- that decided (account, salesforce_lead, marketo_lead); icp_fit `unknown` when none did
-- (icp_source null).
with crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

fits as (
    select * from {{ ref('int_icp__firmographics') }}
),

person_records as (
    select
        crosswalk.person_id,
        records.source_object,
        records.source_id,
        records.account_id,
        row_number() over (
            partition by crosswalk.person_id
            order by records.source_rank, records.updated_at desc, records.record_key
        ) as identity_rank
    from records
    inner join crosswalk on crosswalk.record_key = records.record_key
),

survivor_accounts as (
    select person_id, arg_min(account_id, identity_rank) as account_id
    from person_records
    where account_id is not null
    group by person_id
),

candidates as (
    select person_id, 'account' as holder_type, account_id as holder_id, 1 as holder_rank,
        0 as record_rank
    from survivor_accounts
    union all
    select person_id,
        case source_object when 'Lead' then 'salesforce_lead' else 'marketo_lead' end,
        source_id,
        case source_object when 'Lead' then 2 else 3 end,
        identity_rank
    from person_records
    where source_object in ('Lead', 'leads')
),

decided as (
    select
        candidates.person_id,
        arg_min(
            fits.icp_fit, (candidates.holder_rank, candidates.record_rank)
        ) as icp_fit,
        arg_min(
            candidates.holder_type, (candidates.holder_rank, candidates.record_rank)
        ) as icp_source
    from candidates
    inner join fits
        on fits.holder_type = candidates.holder_type
        and fits.holder_id = candidates.holder_id
    where fits.icp_fit <> 'unknown'
    group by candidates.person_id
),

people as (
    select distinct person_id from crosswalk
),

final as (
    select
        people.person_id,
        coalesce(decided.icp_fit, 'unknown') as icp_fit,
        decided.icp_source
    from people
    left join decided on decided.person_id = people.person_id
)

select * from final
