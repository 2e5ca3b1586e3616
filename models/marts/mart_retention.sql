-- ARR and retention per (grain month | quarter, period, segment) for dashboards: the retention
-- KPIs of mart_kpis side by side, with their numerators and denominators (same values).
-- Accounts by the channel of their first won opportunity; icp by account.
with kpis as (
    select * from {{ ref('mart_kpis') }}
    where grain in ('month', 'quarter')
        and kpi in ('arr', 'nrr', 'grr', 'logo_churn_rate', 'expansion_revenue', 'new_customers')
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
