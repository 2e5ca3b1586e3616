-- ECB euro reference rates, one row per (rate_date, currency): units of the currency per 1 EUR.
-- A (date, currency) delivered again keeps its latest delivery (_file, then _line); missing
-- (N/A, parsed as null) and non-positive rates are dropped. EUR itself is not in the ECB file
-- (int_fx__daily_rates adds it at 1).
with source as (
    select * from {{ source('fx', 'ecb_rates') }}
),

renamed as (
    select
        date as rate_date,
        upper(trim(currency)) as currency,
        cast(rate_per_eur as double) as rate_per_eur,
        _file,
        _line
    from source
    where date is not null
        and nullif(trim(currency), '') is not null
        and rate_per_eur > 0
),

latest as (
    select *
    from renamed
    qualify row_number() over (
        partition by rate_date, currency order by _file desc, _line desc
    ) = 1
),

final as (
    select
        rate_date,
        currency,
        rate_per_eur
    from latest
)

select * from final
