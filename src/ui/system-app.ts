/**
 * The operator's dashboard (/apps/system): a UI application like any other, built from the
 * operator's components (src/ui/schema-operator.ts). YAML kept in a .ts module, as the built-in
 * agents are: the build copies only .ts files to dist, so both hosts ship it with the code.
 * `GET /api/ui-apps/system` serves this text as it is (comments included) to be copied.
 */
export const SYSTEM_APP_YAML = `# The operator's dashboard of Vextir OS, served at /apps/system.
#
# It is an ordinary UI application: copy it and change it.
#   npx vextir apps get system > ops.yaml
#   # give it your own id and path (not "system" and /system), e.g. id: ops, path: /ops
#   npx vextir apps put ops.yaml          # then open /apps/ops
#
# Every view reads the API with the reader's token, so each user sees only their own events,
# plans, runs and usage. Admin views ("admin: true", and the user filter of the feed) are shown
# to holders of the admin role only, and the API refuses what they read to anyone else.
type: ui_application
id: system
name: Vextir OS
description: Everything the system does, live - events and why they ran, plans, agent runs, drivers, schedules, approvals, dead letters and usage.
path: /system
layout:
  type: grid
  columns: 3
pages:
  - id: activity
    title: Activity
    components:
      - id: events_per_hour
        type: chart
        title: Events in the last 24 hours
        span: 3
        source: { type: event_aggregate, event: "*", window: 24h, bucket: hour }
        metrics: [count, average_duration]
        display: bar
      - id: feed
        type: event_stream
        title: Events
        span: 3
        filter: ["*"]
        display: table
        limit: 50
        controls: true
        link: true

  - id: event
    title: Event
    components:
      - id: event_detail
        type: event_detail
        span: 3

  - id: plans
    title: Plans
    components:
      - id: plan_list
        type: plan_list
        title: Plans
        limit: 50
        link: true
      - id: plan_graph
        type: plan_graph
        title: Plan
        span: 2

  - id: agents
    title: Agent runs
    components:
      - id: agent_runs
        type: agent_runs
        span: 3

  - id: approvals
    title: Approvals
    components:
      - id: approvals_waiting
        type: approval_list
        title: Waiting for a decision
        span: 3

  - id: drivers
    title: Drivers and schedules
    components:
      - id: drivers_health
        type: driver_table
        title: Drivers
        span: 3
        refresh: 10
      - id: schedules
        type: schedule_table
        title: Schedules
        span: 3

  - id: dead-letters
    title: Dead letters
    admin: true
    components:
      - id: dead_letters
        type: dead_letters
        title: Messages the bus gave up on
        span: 3

  - id: usage
    title: Usage
    components:
      - id: tokens_per_model
        type: usage_chart
        title: Tokens per model and day
        metric: tokens
        span: 3
      - id: cost_per_model
        type: usage_chart
        title: Cost per model and day (USD)
        metric: cost
        totals: false
        span: 3
`;
