-- ICP fit of every firmographics holder the person ICP can come from: Salesforce accounts, live
-- Salesforce leads and live Marketo leads (their own company attributes), judged by the seed
-- icp_rules. For every dimension the seed lists, a holder matches when its value matches at
-- least one row of the dimension (industry and country case-insensitively after trimming;
-- employees and annual_revenue within [min_value, max_value], an empty bound open), fails when
-- the value is present and matches none, and is missing when the value is empty. icp_fit:
-- `icp` = every dimension matches; `non_icp` = some present value fails; `unknown` = no failure
-- but some dimension missing (never read as non_icp). An empty seed defines no ICP: non_icp.
with accounts as (
    select * from {{ ref('stg_salesforce__account') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__lead') }}
),

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
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
    select distinct dimension from rules
),

holders as (
    select 'account' as holder_type, account_id as holder_id, industry,
        billing_country as country, number_of_employees as employees,
        cast(annual_revenue as double) as annual_revenue
    from accounts
    union all
    select 'salesforce_lead', lead_id, industry, country, number_of_employees,
        cast(annual_revenue as double)
    from salesforce_leads
    union all
    select 'marketo_lead', cast(lead_id as varchar), industry, country, number_of_employees,
        cast(null as double)
    from marketo_leads
),

-- one row per (holder, dimension): the holder's value for it, null when missing
holder_values as (
    select
        holders.holder_type,
        holders.holder_id,
        dimensions.dimension,
        case dimensions.dimension
            when 'industry' then lower(trim(holders.industry))
            when 'country' then lower(trim(holders.country))
        end as text_value,
        case dimensions.dimension
            when 'employees' then cast(holders.employees as double)
            when 'annual_revenue' then holders.annual_revenue
        end as number_value
    from holders
    cross join dimensions
),

matches as (
    select holder_values.holder_type, holder_values.holder_id, holder_values.dimension
    from holder_values
    inner join rules
        on rules.dimension = holder_values.dimension
        and rules.value_key = holder_values.text_value
    union
    select holder_values.holder_type, holder_values.holder_id, holder_values.dimension
    from holder_values
    inner join rules
        on rules.dimension = holder_values.dimension
        and holder_values.number_value >= coalesce(rules.min_value, holder_values.number_value)
        and holder_values.number_value <= coalesce(rules.max_value, holder_values.number_value)
),

judged as (
    select
        holder_values.holder_type,
        holder_values.holder_id,
        holder_values.dimension,
        holder_values.text_value is null and holder_values.number_value is null as is_missing,
        matches.dimension is not null as is_match
    from holder_values
    left join matches
        on matches.holder_type = holder_values.holder_type
        and matches.holder_id = holder_values.holder_id
        and matches.dimension = holder_values.dimension
),

fits as (
    select
        holder_type,
        holder_id,
        count(*) filter (where is_match) as matched_dimensions,
        count(*) filter (where not is_match and not is_missing) as failed_dimensions,
        count(*) filter (where is_missing) as missing_dimensions
    from judged
    group by holder_type, holder_id
),

final as (
    select
        holders.holder_type,
        holders.holder_id,
        coalesce(fits.matched_dimensions, 0) as matched_dimensions,
        case
            when fits.holder_id is null then 'non_icp'
            when fits.failed_dimensions > 0 then 'non_icp'
            when fits.missing_dimensions > 0 then 'unknown'
            else 'icp'
        end as icp_fit
    from holders
    left join fits
        on fits.holder_type = holders.holder_type and fits.holder_id = holders.holder_id
)

select * from final
