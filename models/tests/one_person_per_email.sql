{{ config(description='One person per normalised valid email (role mailboxes and invalid emails aside).') }}
-- Returns each email held by more than one person, with up to five of their ids.
select
    lower(trim(email)) as email,
    count(*) as people,
    list(person_id order by person_id)[1:5] as person_ids
from {{ ref('dim_person') }}
where nullif(trim(email), '') is not null
    and not coalesce(is_role_mailbox, false)
    and coalesce(is_valid_email, true)
group by 1
having count(*) > 1
