-- ICP fit of every account (dim_account) by the seed icp_rules, as judged in
-- int_icp__firmographics: icp (every dimension matches), non_icp (a present attribute fails)
-- or unknown (an attribute the rules need is missing, none fails).
with accounts as (
    select * from {{ ref('dim_account') }}
),

fits as (
    select * from {{ ref('int_icp__firmographics') }}
    where holder_type = 'account'
),

final as (
    select
        accounts.account_id,
        coalesce(fits.matched_dimensions, 0) as matched_dimensions,
        coalesce(fits.icp_fit = 'icp', false) as is_icp,
        coalesce(fits.icp_fit, 'unknown') as icp_segment
    from accounts
    left join fits on fits.holder_id = accounts.account_id
)

select * from final
