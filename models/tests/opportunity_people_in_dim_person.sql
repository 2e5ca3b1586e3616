{{ config(description='Every person of int_opportunity__people exists in dim_person.') }}
-- int_opportunity__people is upstream of dim_person, so this runs once dim_person is built.
select links.opportunity_id, links.person_id
from {{ ref('int_opportunity__people') }} as links
anti join {{ ref('dim_person') }} as people
    on people.person_id = links.person_id
where links.person_id is not null
