-- ARR and retention KPIs per (kpi, grain, period, segment), grains month and quarter, from
-- int_kpi__contracts. An account's ARR on a day = the arr of its contracts covering that day.
--   arr              ARR in force at the period's end (measured_on = least(period end, as_of))
--   base accounts    accounts with ARR > 0 at the period's start = at the end of the day
--                    before it (the previous period's closing ARR)
--   nrr              their ARR at the end / their ARR at the start
--   grr              sum(least(end, start)) / sum(start) over them
--   logo_churn_rate  share of them with ARR 0 at the end
-- Segments: account channel (its first won opportunity's) and ICP. Rows from the first period
-- in which one of the segment's contracts starts through the as_of period; arr is 0-filled,
-- the ratios NULL without base accounts.
with contracts as (
    select * from {{ ref('int_kpi__contracts') }}
),

periods as (
    select * from {{ ref('int_reporting__periods') }}
    where grain in ('month', 'quarter')
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

account_periods as (
    select
        periods.grain,
        periods.period_start,
        account_starts.account_id,
        account_starts.channel,
        account_starts.icp_segment,
        coalesce(sum(contracts.arr) filter (
            where contracts.starts_on <= periods.period_start - 1
            and contracts.ends_on > periods.period_start - 1
        ), 0) as arr_start,
        coalesce(sum(contracts.arr) filter (
            where contracts.starts_on <= periods.measured_on
            and contracts.ends_on > periods.measured_on
        ), 0) as arr_end
    from periods
    inner join account_starts on account_starts.first_starts_on <= periods.period_end
    inner join contracts on contracts.account_id = account_starts.account_id
    group by all
),

segmented as (
    select 'total' as segment_type, 'total' as segment_value, account_periods.*
    from account_periods
    union all
    select 'channel', channel, account_periods.*
    from account_periods
    union all
    select 'icp', icp_segment, account_periods.*
    from account_periods
),

aggregated as (
    select
        grain,
        period_start,
        segment_type,
        segment_value,
        cast(sum(arr_end) as double) as arr,
        cast(sum(arr_start) filter (where arr_start > 0) as double) as base_arr_start,
        cast(sum(arr_end) filter (where arr_start > 0) as double) as base_arr_end,
        cast(sum(least(arr_end, arr_start)) filter (where arr_start > 0) as double)
            as base_arr_retained,
        cast(count(*) filter (where arr_start > 0) as double) as base_accounts,
        cast(count(*) filter (where arr_start > 0 and arr_end = 0) as double)
            as churned_accounts
    from segmented
    group by all
),

final as (
    select 'arr' as kpi, grain, period_start, segment_type, segment_value,
        cast(null as double) as numerator, cast(null as double) as denominator,
        arr as value, cast(null as boolean) as is_mature
    from aggregated
    union all
    select 'nrr', grain, period_start, segment_type, segment_value,
        coalesce(base_arr_end, 0), coalesce(base_arr_start, 0),
        base_arr_end / nullif(base_arr_start, 0), null
    from aggregated
    union all
    select 'grr', grain, period_start, segment_type, segment_value,
        coalesce(base_arr_retained, 0), coalesce(base_arr_start, 0),
        base_arr_retained / nullif(base_arr_start, 0), null
    from aggregated
    union all
    select 'logo_churn_rate', grain, period_start, segment_type, segment_value,
        churned_accounts, base_accounts, churned_accounts / nullif(base_accounts, 0), null
    from aggregated
)

select * from final
