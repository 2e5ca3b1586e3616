-- Marketo activity types: the instance's own list (latest delivery per id), completed with the
-- standard ids Marketo uses everywhere, for instances whose types extract is missing.
with source as (
    select * from {{ source('marketo', 'activity_types') }}
),

latest as (
    select *
    from source
    qualify row_number() over (partition by id order by _file desc, _line desc) = 1
),

renamed as (
    select
        cast(id as integer) as activity_type_id,
        trim(name) as activity_type_name,
        description,
        primary_attribute_name,
        primary_attribute_data_type,
        attributes,
        false as is_standard_fallback
    from latest
),

standard_types as (
    select
        cast(activity_type_id as integer) as activity_type_id,
        activity_type_name
    from (
        values
            (1, 'Visit Webpage'),
            (2, 'Fill Out Form'),
            (6, 'Send Email'),
            (7, 'Email Delivered'),
            (8, 'Email Bounced'),
            (9, 'Unsubscribe Email'),
            (10, 'Open Email'),
            (11, 'Click Email'),
            (12, 'New Lead'),
            (13, 'Change Data Value'),
            (32, 'Merge Leads'),
            (37, 'Delete Lead'),
            (104, 'Change Status in Progression')
    ) as standard (activity_type_id, activity_type_name)
),

fallback as (
    select
        standard_types.activity_type_id,
        standard_types.activity_type_name,
        null as description,
        null as primary_attribute_name,
        null as primary_attribute_data_type,
        cast(null as json) as attributes,
        true as is_standard_fallback
    from standard_types
    anti join renamed on renamed.activity_type_id = standard_types.activity_type_id
),

final as (
    select * from renamed
    union all by name
    select * from fallback
)

select * from final
