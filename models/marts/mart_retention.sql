-- ARR and retention per (grain month | quarter, period, segment) for dashboards: the retention
-- KPIs of mart_kpis side by side, with their numerators and denominators (same values).
-- starting_* and churned_accounts are the twelve-month base (ARR twelve months before the
-- period's measured day); the *_period columns compare with the period's start instead.
-- Accounts by the channel of their first won opportunity; icp by account. Money DECIMAL(18, 2)
-- in `currency`, account counts BIGINT, ratios DOUBLE; is_covered when every KPI of the row is
-- covered (mart_kpis.is_covered).
with kpis as (
    select * from {{ ref('mart_kpis') }}
    where grain in ('month', 'quarter')
        and kpi in (
            'arr', 'nrr', 'grr', 'logo_churn_rate', 'nrr_period', 'grr_period',
            'logo_churn_rate_period', 'reactivation', 'expansion_revenue', 'new_customers'
        )
),

pivoted as (
    select
        grain,
        period_start,
        segment_type,
        segment_value,
        max(value) filter (where kpi = 'arr') as arr,
        max(denominator) filter (where kpi = 'nrr') as starting_arr,
        max(numerator) filter (where kpi = 'nrr') as starting_accounts_ending_arr,
        max(numerator) filter (where kpi = 'grr') as retained_arr,
        max(value) filter (where kpi = 'nrr') as nrr,
        max(value) filter (where kpi = 'grr') as grr,
        max(denominator) filter (where kpi = 'logo_churn_rate') as starting_accounts,
        max(numerator) filter (where kpi = 'logo_churn_rate') as churned_accounts,
        max(value) filter (where kpi = 'logo_churn_rate') as logo_churn_rate,
        max(value) filter (where kpi = 'nrr_period') as nrr_period,
        max(value) filter (where kpi = 'grr_period') as grr_period,
        max(value) filter (where kpi = 'logo_churn_rate_period') as logo_churn_rate_period,
        max(value) filter (where kpi = 'reactivation') as reactivations,
        max(value) filter (where kpi = 'expansion_revenue') as expansion_revenue,
        max(value) filter (where kpi = 'new_customers') as new_customers,
        bool_and(is_covered) as is_covered
    from kpis
    group by grain, period_start, segment_type, segment_value
    having max(value) filter (where kpi = 'arr') is not null
),

final as (
    select
        pivoted.grain,
        pivoted.period_start,
        pivoted.segment_type,
        pivoted.segment_value,
        cast(pivoted.arr as decimal(18, 2)) as arr,
        cast(pivoted.starting_arr as decimal(18, 2)) as starting_arr,
        cast(pivoted.starting_accounts_ending_arr as decimal(18, 2))
            as starting_accounts_ending_arr,
        cast(pivoted.retained_arr as decimal(18, 2)) as retained_arr,
        pivoted.nrr,
        pivoted.grr,
        cast(pivoted.starting_accounts as bigint) as starting_accounts,
        cast(pivoted.churned_accounts as bigint) as churned_accounts,
        pivoted.logo_churn_rate,
        pivoted.nrr_period,
        pivoted.grr_period,
        pivoted.logo_churn_rate_period,
        cast(coalesce(pivoted.reactivations, 0) as bigint) as reactivations,
        cast(coalesce(pivoted.expansion_revenue, 0) as decimal(18, 2)) as expansion_revenue,
        cast(coalesce(pivoted.new_customers, 0) as bigint) as new_customers,
        as_of.reporting_currency as currency,
        pivoted.is_covered
    from pivoted
    cross join {{ ref('int_reporting__as_of') }} as as_of
)

select * from final
