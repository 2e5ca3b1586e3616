-- One row per live Salesforce account, with its people and opportunity outcomes.
-- Counts are count-based; won amounts are in the reporting currency.
with accounts as (
    select * from {{ ref('stg_salesforce__account') }}
),

people as (
    select * from {{ ref('dim_person') }}
),

opportunities as (
    select * from {{ ref('int_opportunity__opportunities') }}
),

people_per_account as (
    select
        account_id,
        count(*) as people
    from people
    where account_id is not null
    group by account_id
),

opportunities_per_account as (
    select
        account_id,
        count(*) as opportunities,
        count(*) filter (where is_won) as won_opportunities,
        sum(amount_reporting) filter (where is_won) as won_amount_reporting,
        min(close_date) filter (where is_won and type_group = 'new_business')
            as first_new_business_won_date
    from opportunities
    where account_id is not null
    group by account_id
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_type,
        accounts.parent_account_id,
        accounts.industry,
        accounts.number_of_employees,
        accounts.annual_revenue,
        accounts.billing_country,
        accounts.website,
        accounts.created_at,
        coalesce(people_per_account.people, 0) as people,
        coalesce(opportunities_per_account.opportunities, 0) as opportunities,
        coalesce(opportunities_per_account.won_opportunities, 0) as won_opportunities,
        coalesce(opportunities_per_account.won_amount_reporting, 0) as won_amount_reporting,
        opportunities_per_account.first_new_business_won_date,
        opportunities_per_account.first_new_business_won_date is not null as is_customer
    from accounts
    left join people_per_account on people_per_account.account_id = accounts.account_id
    left join opportunities_per_account
        on opportunities_per_account.account_id = accounts.account_id
)

select * from final
