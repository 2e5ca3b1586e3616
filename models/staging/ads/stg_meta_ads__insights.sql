-- Meta (Facebook) Ads insights at campaign level, one row per delivered row of the latest
-- delivery of its (account, campaign, date): a restated day replaces the earlier delivery.
-- Numbers arrive as strings (parsed by ingest); the date is date_start (daily rows; the
-- account's time zone). Conversions are the `value` of the actions whose action_type is
-- var('meta_conversion_action_type', 'lead') only: the generic `lead` action already counts
-- the pixel lead actions (offsite_conversion.fb_pixel_lead), so summing both double counts.
{% set conversion_action = var('meta_conversion_action_type', 'lead') %}
with source as (
    select * from {{ source('meta_ads', 'insights') }}
),

actions as (
    select
        _file,
        _line,
        unnest(cast(actions as json [])) as action
    from source
    where json_type(actions) = 'ARRAY'
),

conversions as (
    select
        _file,
        _line,
        sum(try_cast(action ->> 'value' as double)) as conversions
    from actions
    where action ->> 'action_type' = '{{ conversion_action }}'
    group by _file, _line
),

renamed as (
    select
        'meta_ads' as platform,
        regexp_replace(trim(source.account_id), '^act_', '') as account_id,
        trim(source.campaign_id) as campaign_id,
        nullif(trim(source.campaign_name), '') as campaign_name,
        source.date_start as date,
        upper(nullif(trim(source.account_currency), '')) as currency,
        cast(null as varchar) as device,
        cast(null as varchar) as network,
        cast(coalesce(source.spend, 0) as decimal(18, 6)) as spend,
        coalesce(source.impressions, 0) as impressions,
        coalesce(source.clicks, 0) as clicks,
        coalesce(conversions.conversions, 0) as conversions,
        source._file as delivery_file,
        source._line as delivery_line
    from source
    left join conversions
        on conversions._file = source._file
        and conversions._line = source._line
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
