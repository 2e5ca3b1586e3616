-- ARR and retention KPIs per (kpi, grain, period, segment), grains month and quarter, from
-- int_kpi__contracts. An account's ARR on a day = the arr of its contracts covering that day.
--   arr              ARR in force at the period's end (measured_on = least(period end, as_of))
--   nrr, grr, logo_churn_rate   twelve-month retention: over the accounts with ARR > 0 twelve
--                    months before measured_on (the base), their ARR at measured_on over their
--                    ARR then (nrr), sum(least(end, then)) over their ARR then (grr), the share
--                    of them with ARR 0 at measured_on (logo_churn_rate)
--   nrr_period, grr_period, logo_churn_rate_period   the same over the period: base = accounts
--                    with ARR > 0 at the end of the day before the period starts
--   reactivation     accounts whose ARR restarts in the period after a lapse: a contract
--                    starting on a day when none of the account's contracts covered the day
--                    before, with an earlier contract of the account (the lapse was a churn)
-- Segments: account channel (its first won opportunity's) and ICP. Rows from the first period
-- in which one of the segment's contracts starts through the as_of period; arr and
-- reactivation are 0-filled, the ratios NULL without base accounts.
-- value_to_date (the periods with a to_date_end only): the same KPI measured on its
-- to_date_end (int_reporting__periods) instead of its end, with the twelve-month base twelve
-- months before that day and reactivations through it.
with contracts as (
    select * from {{ ref('int_kpi__contracts') }}
),

calendar as (
    select * from {{ ref('int_reporting__periods') }}
    where grain in ('month', 'quarter')
),

-- each period measured on its measured_on day, and the periods with a to_date_end also on it
-- (is_to_date), for value_to_date
periods as (
    select grain, period_start, period_end, measured_on, false as is_to_date
    from calendar
    union all
    select grain, period_start, period_end, to_date_end, true
    from calendar
    where to_date_end is not null
),

account_starts as (
    select
        account_id,
        min(channel) as channel,
        min(icp_segment) as icp_segment,
        min(starts_on) as first_starts_on
    from contracts
    group by account_id
),

reactivations as (
    select distinct
        restarted.account_id,
        restarted.starts_on
    from contracts as restarted
    inner join account_starts
        on account_starts.account_id = restarted.account_id
        and account_starts.first_starts_on < restarted.starts_on
    anti join contracts as running
        on running.account_id = restarted.account_id
        and running.starts_on <= restarted.starts_on - 1
        and running.ends_on > restarted.starts_on - 1
),

account_periods as (
    select
        periods.grain,
        periods.period_start,
        periods.is_to_date,
        account_starts.account_id,
        account_starts.channel,
        account_starts.icp_segment,
        coalesce(sum(contracts.arr) filter (
            where contracts.starts_on <= periods.period_start - 1
            and contracts.ends_on > periods.period_start - 1
        ), 0) as arr_period_start,
        coalesce(sum(contracts.arr) filter (
            where contracts.starts_on <= cast(periods.measured_on - interval 12 month as date)
            and contracts.ends_on > cast(periods.measured_on - interval 12 month as date)
        ), 0) as arr_year_before,
        coalesce(sum(contracts.arr) filter (
            where contracts.starts_on <= periods.measured_on
            and contracts.ends_on > periods.measured_on
        ), 0) as arr_end
    from periods
    inner join account_starts on account_starts.first_starts_on <= periods.period_end
    inner join contracts on contracts.account_id = account_starts.account_id
    group by all
),

reactivated_periods as (
    select distinct
        periods.grain,
        periods.period_start,
        periods.is_to_date,
        reactivations.account_id
    from reactivations
    inner join periods
        on reactivations.starts_on between periods.period_start and periods.measured_on
),

flagged as (
    select
        account_periods.*,
        reactivated_periods.account_id is not null as is_reactivated
    from account_periods
    left join reactivated_periods
        on reactivated_periods.grain = account_periods.grain
        and reactivated_periods.period_start = account_periods.period_start
        and reactivated_periods.is_to_date = account_periods.is_to_date
        and reactivated_periods.account_id = account_periods.account_id
),

segmented as (
    select 'total' as segment_type, 'total' as segment_value, flagged.*
    from flagged
    union all
    select 'channel', channel, flagged.*
    from flagged
    union all
    select 'icp', icp_segment, flagged.*
    from flagged
),

{%- macro base_sums(start, suffix) %}
        cast(sum({{ start }}) filter (where {{ start }} > 0) as double)
            as base_arr_start{{ suffix }},
        cast(sum(arr_end) filter (where {{ start }} > 0) as double) as base_arr_end{{ suffix }},
        cast(sum(least(arr_end, {{ start }})) filter (where {{ start }} > 0) as double)
            as base_arr_retained{{ suffix }},
        cast(count(*) filter (where {{ start }} > 0) as double) as base_accounts{{ suffix }},
        cast(count(*) filter (where {{ start }} > 0 and arr_end = 0) as double)
            as churned_accounts{{ suffix }}
{%- endmacro %}

aggregated as (
    select
        grain,
        period_start,
        is_to_date,
        segment_type,
        segment_value,
        cast(sum(arr_end) as double) as arr,
        cast(count(*) filter (where is_reactivated) as double) as reactivated_accounts,
        {{- base_sums('arr_year_before', '') }},
        {{- base_sums('arr_period_start', '_period') }}
    from segmented
    group by all
),

{%- macro retention_kpis(suffix) %}
    select 'nrr{{ suffix }}', grain, period_start, is_to_date, segment_type, segment_value,
        coalesce(base_arr_end{{ suffix }}, 0), coalesce(base_arr_start{{ suffix }}, 0),
        base_arr_end{{ suffix }} / nullif(base_arr_start{{ suffix }}, 0)
    from aggregated
    union all
    select 'grr{{ suffix }}', grain, period_start, is_to_date, segment_type, segment_value,
        coalesce(base_arr_retained{{ suffix }}, 0), coalesce(base_arr_start{{ suffix }}, 0),
        base_arr_retained{{ suffix }} / nullif(base_arr_start{{ suffix }}, 0)
    from aggregated
    union all
    select 'logo_churn_rate{{ suffix }}', grain, period_start, is_to_date, segment_type,
        segment_value, churned_accounts{{ suffix }},
        base_accounts{{ suffix }},
        churned_accounts{{ suffix }} / nullif(base_accounts{{ suffix }}, 0)
    from aggregated
{%- endmacro %}

measured as (
    select 'arr' as kpi, grain, period_start, is_to_date, segment_type, segment_value,
        cast(null as double) as numerator, cast(null as double) as denominator,
        arr as value
    from aggregated
    union all
    select 'reactivation', grain, period_start, is_to_date, segment_type, segment_value,
        null, null, reactivated_accounts
    from aggregated
    union all
    {{- retention_kpis('') }}
    union all
    {{- retention_kpis('_period') }}
),

final as (
    select
        kpi,
        grain,
        period_start,
        segment_type,
        segment_value,
        max(numerator) filter (where not is_to_date) as numerator,
        max(denominator) filter (where not is_to_date) as denominator,
        max(value) filter (where not is_to_date) as value,
        cast(null as boolean) as is_mature,
        max(value) filter (where is_to_date) as value_to_date
    from measured
    group by kpi, grain, period_start, segment_type, segment_value
)

select * from final
