-- Daily ad spend per (platform, account_id, campaign_id, date) across Google, Meta, LinkedIn
-- and Microsoft Ads, in the account's currency and in the reporting currency (the rate of that
-- day from int_fx__daily_rates, carried forward over weekends; null when the currency has no
-- rate that day). Never sum `spend` across currencies: sum spend_reporting.
-- channel: seed ad_platform_channels by platform. crm_campaign_id, the first rule that links
-- (crm_campaign_rule says which; a link always points at an existing Salesforce campaign):
-- 1. mapping_seed: seed ad_campaign_mapping (platform, ad_campaign_id);
-- 2. campaign_id_in_name: a Salesforce campaign id written into the ad campaign's name
--    (`... 701000000000001AAA ...`, 18 characters, or its 15-character case-sensitive form);
-- 3. program_id_in_name: a Marketo program id written as `mkto-1234` (also `mkto_1234`,
--    `mkto1234`, `program-1234`) into the name, the Salesforce campaign that program syncs to;
-- 4. crm_campaign_name: the name equals (trimmed, case-insensitive) the name of exactly one
--    Salesforce campaign;
-- 5. utm_campaign: the name equals the utm_campaign of touches (fct_touch) whose people touched
--    exactly one Salesforce campaign on the same days (that touch or another of the day).
-- A name that matches two campaigns by rule 4 or 5 links to none (never guessed).
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

programs as (
    select program_id, sfdc_campaign_id
    from {{ ref('stg_marketo__programs') }}
    where sfdc_campaign_id is not null
),

crm_names as (
    select lower(trim(campaign_name)) as name_key, min(campaign_id) as campaign_id
    from {{ ref('stg_salesforce__campaign') }}
    where campaign_name is not null
    group by all
    having count(*) = 1
),

-- touches whose utm_campaign is an ad campaign's name, and the Salesforce campaigns their
-- people touched on the same day (the touch itself, or e.g. the program success of the landing
-- page's form)
utm_touches as (
    select distinct lower(trim(utm_campaign)) as name_key, person_id,
        cast(touched_at as date) as touch_date
    from {{ ref('fct_touch') }}
    where lower(trim(utm_campaign)) in (
        select lower(trim(campaign_name)) from spend where campaign_name is not null
    )
),

utm_names as (
    select utm_touches.name_key, min(campaign_touches.campaign_id) as campaign_id
    from utm_touches
    inner join {{ ref('fct_touch') }} as campaign_touches
        on campaign_touches.person_id = utm_touches.person_id
        and cast(campaign_touches.touched_at as date) = utm_touches.touch_date
    where campaign_touches.campaign_id is not null
    group by utm_touches.name_key
    having count(distinct campaign_touches.campaign_id) = 1
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
        ) as embedded_campaign_id,
        try_cast(regexp_extract(
            lower(campaign_name),
            '(^|[^0-9a-z])(mkto|program)[-_ ]?([0-9]+)($|[^0-9a-z])',
            3
        ) as bigint) as embedded_program_id,
        lower(trim(campaign_name)) as name_key
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

linked as (
    select
        ad_campaigns.platform,
        ad_campaigns.campaign_id,
        ad_campaigns.campaign_name,
        case
            when named_links.crm_campaign_id is not null then named_links.crm_campaign_id
            when program_campaigns.campaign_id is not null then program_campaigns.campaign_id
            when crm_names.campaign_id is not null then crm_names.campaign_id
            else utm_names.campaign_id
        end as crm_campaign_id,
        case
            when named_links.crm_campaign_id is not null then 'campaign_id_in_name'
            when program_campaigns.campaign_id is not null then 'program_id_in_name'
            when crm_names.campaign_id is not null then 'crm_campaign_name'
            when utm_names.campaign_id is not null then 'utm_campaign'
        end as crm_campaign_rule
    from ad_campaigns
    left join named_links
        on named_links.platform = ad_campaigns.platform
        and named_links.campaign_id = ad_campaigns.campaign_id
        and named_links.campaign_name is not distinct from ad_campaigns.campaign_name
    left join programs on programs.program_id = ad_campaigns.embedded_program_id
    left join crm_campaigns as program_campaigns
        on upper(program_campaigns.campaign_id) = upper(programs.sfdc_campaign_id)
    left join crm_names on crm_names.name_key = ad_campaigns.name_key
    left join utm_names on utm_names.name_key = ad_campaigns.name_key
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
        coalesce(campaign_mapping.crm_campaign_id, linked.crm_campaign_id) as crm_campaign_id,
        case
            when campaign_mapping.crm_campaign_id is not null then 'mapping_seed'
            else linked.crm_campaign_rule
        end as crm_campaign_rule
    from spend
    left join fx_rates
        on fx_rates.currency = spend.currency
        and fx_rates.rate_date = spend.date
    left join platform_channels on platform_channels.platform = spend.platform
    left join campaign_mapping
        on campaign_mapping.platform = spend.platform
        and campaign_mapping.ad_campaign_id = spend.campaign_id
    left join linked
        on linked.platform = spend.platform
        and linked.campaign_id = spend.campaign_id
        and linked.campaign_name is not distinct from spend.campaign_name
)

select * from final
