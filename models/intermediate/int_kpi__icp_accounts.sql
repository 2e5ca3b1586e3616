-- ICP match of every account (dim_account) by the seed icp_rules. An account matches when, for
-- every dimension the seed lists, it matches at least one row of that dimension: industry and
-- country (BillingCountry) compare the value case-insensitively after trimming; employees needs
-- NumberOfEmployees within [min_value, max_value] (an empty bound is open). A missing attribute
-- never matches; an empty seed matches nobody.
with accounts as (
    select * from {{ ref('dim_account') }}
),

rules as (
    select
        lower(trim(dimension)) as dimension,
        lower(trim(value)) as value_key,
        min_value,
        max_value
    from {{ source('seeds', 'icp_rules') }}
),

dimensions as (
    select count(distinct dimension) as required_dimensions from rules
),

matches as (
    select distinct
        accounts.account_id,
        rules.dimension
    from accounts
    inner join rules
        on (rules.dimension = 'industry' and rules.value_key = lower(trim(accounts.industry)))
        or (
            rules.dimension = 'country'
            and rules.value_key = lower(trim(accounts.billing_country))
        )
        or (
            rules.dimension = 'employees'
            and accounts.number_of_employees >= coalesce(rules.min_value, accounts.number_of_employees)
            and accounts.number_of_employees <= coalesce(rules.max_value, accounts.number_of_employees)
        )
),

matched_dimensions as (
    select account_id, count(*) as matched_dimensions
    from matches
    group by account_id
),

final as (
    select
        accounts.account_id,
        coalesce(matched_dimensions.matched_dimensions, 0) as matched_dimensions,
        coalesce(
            dimensions.required_dimensions > 0
            and matched_dimensions.matched_dimensions = dimensions.required_dimensions,
            false
        ) as is_icp,
        case
            when dimensions.required_dimensions > 0
                and matched_dimensions.matched_dimensions = dimensions.required_dimensions
                then 'icp'
            else 'non_icp'
        end as icp_segment
    from accounts
    cross join dimensions
    left join matched_dimensions on matched_dimensions.account_id = accounts.account_id
)

select * from final
