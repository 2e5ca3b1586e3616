-- The channel of every distinct (utm_source, utm_medium, utm_campaign) seen on a touch, from
-- the ordered rules of the seed utm_channel_rules (GA4 default channel group): the matching
-- rule with the lowest rule_order wins. Values are lower-cased and trimmed before matching;
-- a rule's empty pattern matches anything, its other patterns must all match the whole value
-- (regexp_full_match). Computed on the distinct triples (a few thousand), not per touch.
-- Triples that match no rule are absent (the touch falls back to its campaign/program type).
with marketo_touches as (
    select * from {{ ref('int_touch__marketo') }}
),

rules as (
    select
        rule_order,
        channel,
        nullif(trim(source_pattern), '') as source_pattern,
        nullif(trim(medium_pattern), '') as medium_pattern,
        nullif(trim(campaign_pattern), '') as campaign_pattern
    from {{ source('seeds', 'utm_channel_rules') }}
),

triples as (
    select distinct
        utm_source,
        utm_medium,
        utm_campaign
    from marketo_touches
    where coalesce(utm_source, utm_medium, utm_campaign) is not null
),

matches as (
    select
        triples.utm_source,
        triples.utm_medium,
        triples.utm_campaign,
        rules.rule_order,
        rules.channel
    from triples
    cross join rules
    where (
            rules.source_pattern is null
            or regexp_full_match(
                lower(trim(coalesce(triples.utm_source, ''))), rules.source_pattern
            )
        )
        and (
            rules.medium_pattern is null
            or regexp_full_match(
                lower(trim(coalesce(triples.utm_medium, ''))), rules.medium_pattern
            )
        )
        and (
            rules.campaign_pattern is null
            or regexp_full_match(
                lower(trim(coalesce(triples.utm_campaign, ''))), rules.campaign_pattern
            )
        )
),

final as (
    select
        utm_source,
        utm_medium,
        utm_campaign,
        min(rule_order) as rule_order,
        arg_min(channel, rule_order) as channel
    from matches
    group by utm_source, utm_medium, utm_campaign
)

select * from final
