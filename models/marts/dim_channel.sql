-- Every channel id the seeds name (channel_roles, utm_channel_rules, campaign_type_channels,
-- ad_platform_channels) with its role (seed channel_roles: marketing, sales or none; none when
-- not listed) and whether it is a paid ad channel (seed ad_platform_channels: its spend comes
-- from the ad platforms). The "marketing" money KPIs count channels whose role is marketing.
with roles as (
    select channel, min(role) as role
    from {{ source('seeds', 'channel_roles') }}
    group by channel
),

paid_ad_channels as (
    select distinct channel from {{ source('seeds', 'ad_platform_channels') }}
),

named as (
    select channel from roles
    union
    select channel from {{ source('seeds', 'utm_channel_rules') }}
    union
    select channel from {{ source('seeds', 'campaign_type_channels') }}
    union
    select channel from paid_ad_channels
),

final as (
    select
        named.channel,
        coalesce(roles.role, 'none') as channel_role,
        named.channel in (select channel from paid_ad_channels) as is_paid_ad_channel
    from named
    left join roles on roles.channel = named.channel
    where named.channel is not null
)

select * from final
