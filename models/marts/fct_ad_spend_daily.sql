-- Daily ad spend per (platform, account_id, campaign_id, date) across Google, Meta, LinkedIn
-- and Microsoft Ads, in the account's currency and in the reporting currency (the rate of that
-- day from int_fx__daily_rates, carried forward over weekends; null when the currency has no
-- rate that day). Never sum `spend` across currencies: sum spend_reporting.
-- channel: seed ad_platform_channels by platform. crm_campaign_id, ids only (never names):
-- 1. seed ad_campaign_mapping (platform, ad_campaign_id); 2. else a Salesforce campaign id
-- written into the ad campaign's name (`... 701000000000001AAA ...`, 18 characters, or its
-- 15-character case-sensitive form), when that campaign exists.
with spend as (
    select * from {{ ref('int_ad_spend__daily') }}
),

fx_rates as (
    select * from {{ ref('int_fx__daily_rates') }}
),

platform_channels as (
    select platform, min(channel) as channel
    from {{ source('seeds', 'ad_platform_channels') }}
    group by platform
),

campaign_mapping as (
    select
        trim(platform) as platform,
        trim(ad_campaign_id) as ad_campaign_id,
        min(trim(crm_campaign_id)) as crm_campaign_id
    from {{ source('seeds', 'ad_campaign_mapping') }}
    where nullif(trim(crm_campaign_id), '') is not null
    group by all
),

crm_campaigns as (
    select campaign_id, left(campaign_id, 15) as campaign_id_15
    from {{ ref('stg_salesforce__campaign') }}
),

ad_campaigns as (
    select distinct
        platform,
        campaign_id,
        campaign_name,
        regexp_extract(
            campaign_name,
            '(^|[^0-9A-Za-z])(701[0-9A-Za-z]{12}([0-9A-Za-z]{3})?)($|[^0-9A-Za-z])',
            2
        ) as embedded_campaign_id
    from spend
),

named_links as (
    select
        ad_campaigns.platform,
        ad_campaigns.campaign_id,
        ad_campaigns.campaign_name,
        min(crm_campaigns.campaign_id) as crm_campaign_id
    from ad_campaigns
    inner join crm_campaigns
        on (
            length(ad_campaigns.embedded_campaign_id) = 18
            and upper(crm_campaigns.campaign_id) = upper(ad_campaigns.embedded_campaign_id)
        )
        or (
            length(ad_campaigns.embedded_campaign_id) = 15
            and crm_campaigns.campaign_id_15 = ad_campaigns.embedded_campaign_id
        )
    group by all
),

final as (
    select
        spend.ad_spend_id,
        spend.platform,
        spend.account_id,
        spend.campaign_id,
        spend.campaign_name,
        spend.date,
        spend.currency,
        spend.spend,
        case
            when spend.currency = '{{ var("reporting_currency") }}' then spend.spend
            else cast(spend.spend * fx_rates.rate_to_reporting as decimal(18, 6))
        end as spend_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        case
            when spend.currency = '{{ var("reporting_currency") }}' then 1.0
            else fx_rates.rate_to_reporting
        end as fx_rate,
        spend.impressions,
        spend.clicks,
        spend.conversions,
        coalesce(platform_channels.channel, 'unassigned') as channel,
        coalesce(campaign_mapping.crm_campaign_id, named_links.crm_campaign_id)
            as crm_campaign_id,
        case
            when campaign_mapping.crm_campaign_id is not null then 'mapping_seed'
            when named_links.crm_campaign_id is not null then 'campaign_id_in_name'
        end as crm_campaign_rule
    from spend
    left join fx_rates
        on fx_rates.currency = spend.currency
        and fx_rates.rate_date = spend.date
    left join platform_channels on platform_channels.platform = spend.platform
    left join campaign_mapping
        on campaign_mapping.platform = spend.platform
        and campaign_mapping.ad_campaign_id = spend.campaign_id
    left join named_links
        on named_links.platform = spend.platform
        and named_links.campaign_id = spend.campaign_id
        and named_links.campaign_name is not distinct from spend.campaign_name
)

select * from final
