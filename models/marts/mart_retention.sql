-- ARR and retention per (grain month | quarter, period, segment) for dashboards: the retention
-- KPIs of mart_kpis side by side, with their numerators and denominators (same values).
-- starting_* and churned_accounts are the twelve-month base (ARR twelve months before the
-- period's measured day); the *_period columns compare with the period's start instead.
-- Accounts by the channel of their first won opportunity; icp by account.
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
        max(value) filter (where kpi = 'new_customers') as new_customers
    from kpis
    group by grain, period_start, segment_type, segment_value
    having max(value) filter (where kpi = 'arr') is not null
),

final as (
    select * from pivoted
)

select * from final
