-- Microsoft Advertising campaign performance (daily report), one row per delivered row (date x
-- campaign x device x network) of the latest delivery of its (account, campaign, date).
-- Amounts with thousands separators (`1,234.50`) are parsed by ingest; the currency is the
-- row's CurrencyCode.
with source as (
    select * from {{ source('microsoft_ads', 'campaign_performance') }}
),

renamed as (
    select
        'microsoft_ads' as platform,
        trim(account_id) as account_id,
        trim(campaign_id) as campaign_id,
        nullif(trim(campaign_name), '') as campaign_name,
        date,
        upper(nullif(trim(currency_code), '')) as currency,
        nullif(trim(device_type), '') as device,
        nullif(trim(network), '') as network,
        cast(coalesce(spend, 0) as decimal(18, 6)) as spend,
        coalesce(impressions, 0) as impressions,
        coalesce(clicks, 0) as clicks,
        coalesce(conversions, 0) as conversions,
        _file as delivery_file,
        _line as delivery_line
    from source
),

latest_delivery as (
    select *
    from renamed
    qualify delivery_file = max(delivery_file) over (
        partition by account_id, campaign_id, date
    )
),

final as (
    select * from latest_delivery
)

select * from final
