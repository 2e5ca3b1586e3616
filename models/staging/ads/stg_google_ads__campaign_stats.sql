-- Google Ads campaign stats, one row per delivered report row (date x campaign x device x
-- network) of the latest delivery of its (account, campaign, date): a restated day replaces the
-- earlier delivery of that day. Money arrives in micros (int64 as strings, parsed by ingest):
-- spend = cost_micros / 1e6 in the account's currency. The date is the account's day.
with source as (
    select * from {{ source('google_ads', 'campaign_stats') }}
),

renamed as (
    select
        'google_ads' as platform,
        replace(trim(customer_id), '-', '') as account_id,
        trim(campaign_id) as campaign_id,
        nullif(trim(campaign_name), '') as campaign_name,
        segments_date as date,
        upper(nullif(trim(customer_currency_code), '')) as currency,
        nullif(trim(customer_time_zone), '') as account_time_zone,
        nullif(trim(segments_device), '') as device,
        nullif(trim(segments_ad_network_type), '') as network,
        cast(cast(coalesce(metrics_cost_micros, 0) as decimal(38, 6)) / 1000000 as decimal(18, 6))
            as spend,
        coalesce(metrics_impressions, 0) as impressions,
        coalesce(metrics_clicks, 0) as clicks,
        coalesce(metrics_conversions, 0) as conversions,
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
