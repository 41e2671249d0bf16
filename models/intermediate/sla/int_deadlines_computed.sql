-- depends_on: {{ ref('int_calendar_open_intervals') }}
-- depends_on: {{ ref('int_calendar_days') }}
-- Due and warning instants for every deadline request (docs/sla_semantics.md, "Time"). The
-- unit rules live in the macro deadlines_from_requests, which int_checkpoint_instants also
-- applies to checkpoint offsets, so a rule changed there changes every deadline at once.
with

requests as (

    select * from {{ ref('int_deadline_requests') }}

),

{{ deadlines_from_requests('requests') }},

final as (

    select * from deadline_final

)

select * from final
