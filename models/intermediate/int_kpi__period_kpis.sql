-- Event-based KPIs per (kpi, grain, period, segment), from int_kpi__measures: a KPI is a base
-- measure (counts, sums, medians: value = the measure, numerator/denominator NULL) or a ratio
-- (numerator measure [- minus measure]) / denominator measure (numerator and denominator
-- kept). Rows: for each KPI, grain and segment with data in any of its measures, one row per
-- period from the first such period through the as_of period (int_reporting__periods).
-- Missing counts and sums are 0, medians NULL; ad measures (spend, impressions, clicks) are
-- NULL for channels without an ad-spend source, so their cost KPIs, roas and romi are NULL,
-- and NULL (not 0) in periods before the first period with any ad data (no source loaded yet);
-- cost measures (marketing_cost and its components) are NULL before the first period with any
-- cost.
-- A ratio with a 0 or NULL denominator is NULL. KPIs built on ad measures have no icp rows
-- (ad spend is not split by account); expansion_revenue and renewal_revenue are month and
-- quarter only. Money KPIs count new business only and their marketing ratios (cpl, cac, roas,
-- romi, ...) marketing channels only (int_kpi__events). The *_by_touch KPIs are is_mature =
-- false until the period's last day plus var attribution_lookback_days plus the median sales
-- cycle (won new-business deals closed by as_of) is on or before as_of (their credit can still
-- grow as deals close); every other KPI here has is_mature NULL.
{% set by_touch = ['attributed_revenue_by_touch', 'roas_by_touch', 'romi_by_touch'] %}
-- The *_to_date columns are set on the periods with a to_date_end only (the one before the
-- as_of period and the one a year earlier): the same KPI over the to-date window
-- (int_kpi__to_date_measures), filled by the same rules.
{% macro filled(alias, values=none) -%}
    case
        when {{ values or alias }}.amount is not null then {{ values or alias }}.amount
        when {{ alias }}_catalog.aggregation = 'median' then null
        when {{ alias }}_catalog.is_ad_measure and spine.segment_type = 'icp' then null
        when {{ alias }}_catalog.is_ad_measure
            and spine.period_start < coalesce(data_starts.first_ad_period, date '9999-12-31')
            then null
        when {{ alias }}_catalog.is_ad_measure
            and spine.segment_type = 'channel'
            and ad_channels.channel is null then null
        when {{ alias }}_catalog.is_cost_measure
            and spine.period_start < coalesce(data_starts.first_cost_period, date '9999-12-31')
            then null
        else 0
    end
{%- endmacro %}
{% macro measure_join(alias, column) -%}
    left join catalog as {{ alias }}_catalog
        on {{ alias }}_catalog.measure = spine.{{ column }}
    left join measures as {{ alias }}
        on {{ alias }}.measure = spine.{{ column }}
        and {{ alias }}.grain = spine.grain
        and {{ alias }}.period_start = spine.period_start
        and {{ alias }}.segment_type = spine.segment_type
        and {{ alias }}.segment_value = spine.segment_value
    left join to_date_measures as {{ alias }}_to_date
        on {{ alias }}_to_date.measure = spine.{{ column }}
        and {{ alias }}_to_date.grain = spine.grain
        and {{ alias }}_to_date.period_start = spine.period_start
        and {{ alias }}_to_date.segment_type = spine.segment_type
        and {{ alias }}_to_date.segment_value = spine.segment_value
{%- endmacro %}
{% macro filled_to_date(alias) -%}
    case when spine.to_date_end is not null then {{ filled(alias, alias ~ '_to_date') }} end
{%- endmacro %}
with measures as (
    select * from {{ ref('int_kpi__measures') }}
),

catalog as (
    select * from {{ ref('int_kpi__measure_catalog') }}
),

to_date_measures as (
    select * from {{ ref('int_kpi__to_date_measures') }}
),

periods as (
    select * from {{ ref('int_reporting__periods') }}
),

maturity as (
    select
        as_of.as_of,
        cast({{ var('attribution_lookback_days') }} as integer)
            + coalesce(cast(ceil(median(opportunities.cycle_days)) as integer), 0)
            as mature_after_days
    from {{ ref('int_reporting__as_of') }} as as_of
    left join {{ ref('int_kpi__opportunities') }} as opportunities
        on opportunities.is_won and opportunities.type_group = 'new_business'
    group by as_of.as_of
),

specs as (
    select *
    from (
        values
            ('spend', 'ad_spend', null, null, false, false, true),
            ('ad_spend', 'ad_spend', null, null, false, false, true),
            ('program_cost', 'program_cost', null, null, false, false, true),
            ('other_cost', 'other_cost', null, null, false, false, true),
            ('marketing_cost', 'marketing_cost', null, null, false, false, true),
            ('impressions', 'impressions', null, null, false, false, true),
            ('clicks', 'clicks', null, null, false, false, true),
            ('ctr', 'clicks', null, 'impressions', true, false, true),
            ('cpc', 'ad_spend', null, 'clicks', true, false, true),
            ('new_leads', 'new_leads', null, null, false, true, true),
            ('mqls', 'mqls', null, null, false, true, true),
            ('sqls', 'sqls', null, null, false, true, true),
            ('sales_generated_sqls', 'sales_generated_sqls', null, null, false, true, true),
            ('opportunities_created', 'opportunities_created', null, null, false, true, true),
            ('deals_won', 'deals_won', null, null, false, true, true),
            ('new_customers', 'new_customers', null, null, false, true, true),
            ('cpl', 'marketing__marketing_cost', null, 'marketing__new_leads', true, false,
                true),
            ('cost_per_mql', 'marketing__marketing_cost', null, 'marketing__mqls', true, false,
                true),
            ('cost_per_opportunity', 'marketing__marketing_cost', null,
                'marketing__opportunities_created', true, false, true),
            ('cac', 'marketing__marketing_cost', null, 'marketing__new_customers', true, false,
                true),
            ('pipeline_created', 'pipeline_created', null, null, false, true, true),
            ('revenue_won', 'revenue_won', null, null, false, true, true),
            ('marketing_sourced_revenue_share', 'sourced_revenue_won', null, 'revenue_won', true,
                true, true),
            ('marketing_sourced_pipeline', 'sourced_pipeline', null, null, false, true, true),
            ('marketing_sourced_deals', 'sourced_deals_won', null, null, false, true, true),
            ('marketing_influenced_pipeline', 'influenced_pipeline', null, null, false, true,
                true),
            ('attributed_revenue', 'attributed_revenue', null, null, false, true, true),
            ('roas', 'paid_ad__attributed_revenue', null, 'marketing__ad_spend', true, false,
                true),
            ('romi', 'marketing__attributed_revenue', 'marketing__marketing_cost',
                'marketing__marketing_cost', true, false, true),
            ('attributed_revenue_by_touch', 'attributed_revenue_by_touch', null, null, false,
                true, true),
            ('roas_by_touch', 'paid_ad__attributed_revenue_by_touch', null,
                'marketing__ad_spend', true, false, true),
            ('romi_by_touch', 'marketing__attributed_revenue_by_touch',
                'marketing__marketing_cost', 'marketing__marketing_cost', true, false, true),
            ('bookings', 'bookings', null, null, false, true, true),
            ('renewal_revenue', 'renewal_revenue', null, null, false, true, false),
            ('win_rate', 'deals_won', null, 'closed_deals', true, true, true),
            ('avg_deal_size', 'revenue_won', null, 'deals_won', true, true, true),
            ('sales_cycle_days', 'sales_cycle_days', null, null, false, true, true),
            ('mql_to_sql_sla_rate', 'sla_met_mqls', null, 'mqls', true, true, true),
            ('email_open_rate', 'email_opened', null, 'email_delivered', true, true, true),
            ('email_click_rate', 'email_clicked', null, 'email_delivered', true, true, true),
            ('email_click_to_open_rate', 'email_clicked', null, 'email_opened', true, true,
                true),
            ('email_bounce_rate', 'email_bounced', null, 'email_sent', true, true, true),
            ('email_unsubscribe_rate', 'email_unsubscribed', null, 'email_delivered', true,
                true, true),
            ('email_reach_open_rate', 'email_opened_people', null, 'email_delivered_people',
                true, true, true),
            ('icp_lead_share', 'icp_leads', null, 'new_leads', true, true, true),
            ('expansion_revenue', 'expansion_revenue', null, null, false, true, false),
            ('duplicate_record_rate', 'duplicate_records', null, 'family_records', true, true,
                true),
            ('cross_system_match_rate', 'cross_system_persons', null, 'persons', true, true,
                true),
            ('invalid_email_rate', 'invalid_email_records', null, 'source_records', true, true,
                true)
    ) as specs (
        kpi, numerator_measure, minus_measure, denominator_measure, is_ratio, has_icp_segments,
        has_weeks
    )
),

-- the measures whose segments give a KPI its rows (total_only: its total rows only)
direct_components as (
    select kpi, numerator_measure as measure from specs
    union
    select kpi, minus_measure from specs where minus_measure is not null
    union
    select kpi, denominator_measure from specs where denominator_measure is not null
),

-- a cost KPI has rows wherever any cost has (0 when its own component has none); a marketing or
-- paid-ad scoped KPI has a total row wherever its unscoped measure has one (NULL when, e.g., no
-- cost source is loaded), never rows for channels outside its scope
components as (
    select kpi, measure, false as total_only from direct_components
    union
    select kpi, 'marketing_cost', false from specs
    where numerator_measure in ('program_cost', 'other_cost')
    union
    select kpi, regexp_replace(measure, '^(marketing|paid_ad)__', ''), true
    from direct_components
    where regexp_matches(measure, '^(marketing|paid_ad)__')
),

segment_starts as (
    select
        components.kpi,
        measures.grain,
        measures.segment_type,
        measures.segment_value,
        min(measures.period_start) as first_period
    from components
    inner join specs on specs.kpi = components.kpi
    inner join measures on measures.measure = components.measure
    where (specs.has_icp_segments or measures.segment_type <> 'icp')
        and (specs.has_weeks or measures.grain <> 'week')
        and (not components.total_only or measures.segment_type = 'total')
    group by all
),

ad_channels as (
    select distinct segment_value as channel
    from measures
    where segment_type = 'channel' and is_ad_channel
),

-- per grain, the first period with any ad data and with any cost
data_starts as (
    select
        grain,
        min(period_start) filter (where catalog.is_ad_measure) as first_ad_period,
        min(period_start) filter (where catalog.is_cost_measure) as first_cost_period
    from measures
    inner join catalog on catalog.measure = measures.measure
    where measures.amount is not null
    group by grain
),

spine as (
    select
        segment_starts.kpi,
        segment_starts.grain,
        periods.period_start,
        periods.to_date_end,
        periods.period_end,
        segment_starts.segment_type,
        segment_starts.segment_value,
        specs.numerator_measure,
        specs.minus_measure,
        specs.denominator_measure,
        specs.is_ratio
    from segment_starts
    inner join specs on specs.kpi = segment_starts.kpi
    inner join periods
        on periods.grain = segment_starts.grain
        and periods.period_start >= segment_starts.first_period
),

filled as (
    select
        spine.kpi,
        spine.grain,
        spine.period_start,
        spine.period_end,
        spine.segment_type,
        spine.segment_value,
        spine.is_ratio,
        spine.minus_measure is not null as has_minus,
        {{ filled('num') }} as numerator_amount,
        {{ filled('minus') }} as minus_amount,
        {{ filled('den') }} as denominator_amount,
        {{ filled_to_date('num') }} as numerator_amount_to_date,
        {{ filled_to_date('minus') }} as minus_amount_to_date,
        {{ filled_to_date('den') }} as denominator_amount_to_date
    from spine
    left join ad_channels
        on spine.segment_type = 'channel' and ad_channels.channel = spine.segment_value
    left join data_starts on data_starts.grain = spine.grain
    {{ measure_join('num', 'numerator_measure') }}
    {{ measure_join('minus', 'minus_measure') }}
    {{ measure_join('den', 'denominator_measure') }}
),

computed as (
    select
        *,
        case
            when has_minus then numerator_amount - minus_amount
            else numerator_amount
        end as numerator_value,
        case
            when has_minus then numerator_amount_to_date - minus_amount_to_date
            else numerator_amount_to_date
        end as numerator_value_to_date
    from filled
),

final as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        case when is_ratio then numerator_value end as numerator,
        case when is_ratio then denominator_amount end as denominator,
        case
            when is_ratio then numerator_value / nullif(denominator_amount, 0)
            else numerator_value
        end as value,
        case
            when computed.kpi in (
                {%- for kpi in by_touch %}'{{ kpi }}'{{ ', ' if not loop.last }}{% endfor -%}
            )
                then computed.period_end + maturity.mature_after_days <= maturity.as_of
        end as is_mature,
        case
            when is_ratio then numerator_value_to_date / nullif(denominator_amount_to_date, 0)
            else numerator_value_to_date
        end as value_to_date
    from computed
    cross join maturity
)

select * from final
