-- How much ad spend links to a Salesforce campaign (fct_ad_spend_daily crm_campaign_id), per ad
-- platform and in total (platform 'total'), days up to as_of: the spend that mart_campaign_performance
-- can show per campaign, and the unlinked rest (amount and share) with the unlinked ad campaigns
-- to name in seed ad_campaign_mapping, the largest first. Money DECIMAL(18, 2) in `currency`
-- (the reporting currency); unlinked_spend_share is NULL without spend.
with ad_spend as (
    select * from {{ ref('fct_ad_spend_daily') }}
),

as_of as (
    select * from {{ ref('int_reporting__as_of') }}
),

campaigns as (
    select
        ad_spend.platform,
        ad_spend.campaign_id,
        max(ad_spend.campaign_name) as campaign_name,
        bool_or(ad_spend.crm_campaign_id is not null) as is_linked,
        sum(ad_spend.spend_reporting) as spend
    from ad_spend
    cross join as_of
    where ad_spend.date <= as_of.as_of
    group by all
),

summed as (
    select
        coalesce(platform, 'total') as platform,
        count(*) as ad_campaigns,
        count(*) filter (where not is_linked) as unlinked_ad_campaigns,
        coalesce(sum(spend), 0) as spend,
        coalesce(sum(spend) filter (where is_linked), 0) as linked_spend,
        coalesce(sum(spend) filter (where not is_linked), 0) as unlinked_spend,
        string_agg(campaign_name, ', ' order by spend desc nulls last, campaign_name)
            filter (where not is_linked) as unlinked_campaign_names
    from campaigns
    group by grouping sets ((platform), ())
),

final as (
    select
        summed.platform,
        as_of.reporting_currency as currency,
        cast(summed.ad_campaigns as bigint) as ad_campaigns,
        cast(summed.unlinked_ad_campaigns as bigint) as unlinked_ad_campaigns,
        cast(summed.spend as decimal(18, 2)) as spend,
        cast(summed.linked_spend as decimal(18, 2)) as linked_spend,
        cast(summed.unlinked_spend as decimal(18, 2)) as unlinked_spend,
        cast(summed.unlinked_spend / nullif(summed.spend, 0) as double) as unlinked_spend_share,
        summed.unlinked_campaign_names
    from summed
    cross join as_of
)

select * from final
