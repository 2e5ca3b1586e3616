-- Ad spend of the four platforms, one row per (platform, account_id, campaign_id, date): the
-- staging rows (already restricted to the latest delivery of each campaign-day) summed over
-- devices and networks. Amounts stay in the account's currency; a campaign-day delivered in two
-- currencies is not summed (currency is part of the grouping, and the unique test on
-- ad_spend_id flags it). The campaign name is the one of the latest delivered row.
with google_ads as (
    select * from {{ ref('stg_google_ads__campaign_stats') }}
),

meta_ads as (
    select * from {{ ref('stg_meta_ads__insights') }}
),

linkedin_ads as (
    select * from {{ ref('stg_linkedin_ads__ad_analytics') }}
),

microsoft_ads as (
    select * from {{ ref('stg_microsoft_ads__campaign_performance') }}
),

unioned as (
    select
        platform, account_id, campaign_id, campaign_name, date, currency, spend, impressions,
        clicks, conversions, delivery_file, delivery_line
    from google_ads
    union all
    select
        platform, account_id, campaign_id, campaign_name, date, currency, spend, impressions,
        clicks, conversions, delivery_file, delivery_line
    from meta_ads
    union all
    select
        platform, account_id, campaign_id, campaign_name, date, currency, spend, impressions,
        clicks, conversions, delivery_file, delivery_line
    from linkedin_ads
    union all
    select
        platform, account_id, campaign_id, campaign_name, date, currency, spend, impressions,
        clicks, conversions, delivery_file, delivery_line
    from microsoft_ads
),

summed as (
    select
        platform,
        account_id,
        campaign_id,
        date,
        currency,
        arg_max(campaign_name, delivery_line) as campaign_name,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(conversions) as conversions,
        max(delivery_file) as delivery_file,
        count(*) as source_rows
    from unioned
    group by platform, account_id, campaign_id, date, currency
),

final as (
    select
        {{ generate_surrogate_key(['platform', 'account_id', 'campaign_id', 'date']) }}
            as ad_spend_id,
        platform,
        account_id,
        campaign_id,
        campaign_name,
        date,
        currency,
        cast(spend as decimal(18, 6)) as spend,
        impressions,
        clicks,
        conversions,
        delivery_file,
        source_rows
    from summed
)

select * from final
