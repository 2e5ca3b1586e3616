-- LinkedIn ad analytics pivoted by campaign group (LinkedIn's campaign group is what the other
-- platforms call a campaign), one row per delivered row of the latest delivery of its
-- (account, campaign group, date). The account is the row's accountId, else the
-- `account_<id>` in the file name, else 'unknown' (macros/ads.py; `account_source` says which). The campaign id is the numeric id at the end of the pivot
-- URN (`urn:li:sponsoredCampaignGroup:601000001` -> `601000001`), from `pivot_value` or the
-- first element of `pivot_values`. The date is date_range_start_* (UTC days). Spend is
-- cost_in_local_currency in `currency`; a row without a currency (or without a local cost) is
-- taken in USD from cost_in_usd. LinkedIn delivers no conversions in this report (0).
with source as (
    select * from {{ source('linkedin_ads', 'ad_analytics') }}
),

renamed as (
    select
        'linkedin_ads' as platform,
        {{ linkedin_account_id('account_id', '_file') }} as account_id,
        {{ linkedin_account_source('account_id', '_file') }} as account_source,
        regexp_extract(
            coalesce(nullif(trim(pivot_value), ''), pivot_values ->> '$[0]'), '([0-9]+)$', 1
        ) as campaign_id,
        nullif(trim(campaign_group_name), '') as campaign_name,
        make_date(
            cast(date_range_start_year as integer),
            cast(date_range_start_month as integer),
            cast(date_range_start_day as integer)
        ) as date,
        nullif(trim(currency), '') is not null and cost_in_local_currency is not null
            as has_local_cost,
        upper(nullif(trim(currency), '')) as local_currency,
        cost_in_local_currency,
        cost_in_usd,
        coalesce(impressions, 0) as impressions,
        coalesce(clicks, 0) as clicks,
        _file as delivery_file,
        _line as delivery_line
    from source
),

priced as (
    select
        platform,
        account_id,
        account_source,
        campaign_id,
        campaign_name,
        date,
        case when has_local_cost then local_currency else 'USD' end as currency,
        cast(null as varchar) as device,
        cast(null as varchar) as network,
        cast(
            coalesce(case when has_local_cost then cost_in_local_currency else cost_in_usd end, 0)
            as decimal(18, 6)
        ) as spend,
        impressions,
        clicks,
        cast(0 as double) as conversions,
        delivery_file,
        delivery_line
    from renamed
),

latest_delivery as (
    select *
    from priced
    qualify delivery_file = max(delivery_file) over (
        partition by account_id, campaign_id, date
    )
),

final as (
    select * from latest_delivery
)

select * from final
