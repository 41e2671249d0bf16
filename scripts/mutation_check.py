"""Does the test suite catch a one-token change to each documented rule?

For every mutation below (a rule of docs/sla_semantics.md, changed by one token), this script
applies it to a scratch copy of the project, runs the dbt unit tests (and, when they pass,
the golden scenario), and reports which test caught it. A mutation nobody catches is a rule
no test pins. Run it after moving or rewriting models (`make mutations`); it takes a few
minutes, so it is not part of `make test`.

    .venv/bin/python scripts/mutation_check.py            # every mutation
    .venv/bin/python scripts/mutation_check.py tie_break  # just these
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    rule: str
    path: str
    pattern: str  # a regex matching exactly once in the file
    replacement: str
    tests: str = "tests/test_golden.py"  # pytest's check after the dbt unit tests (SQL only)


MUTATIONS = (
    Mutation(
        "inbound_exclusion",
        "inbound activities never stop a clock",
        "models/intermediate/journeys/int_activities_until_as_of.sql",
        r"direction != 'inbound'",
        "direction != 'inbound_never'",
    ),
    Mutation(
        "automated_exclusion",
        "automated activities never stop a clock",
        "models/intermediate/journeys/int_activities_until_as_of.sql",
        r"not activities\.is_automated",
        "true",
    ),
    Mutation(
        "milestone_exception",
        "automated milestones still count",
        "models/intermediate/journeys/int_activities_until_as_of.sql",
        r"activity_type = 'milestone'",
        "activity_type = 'milestone_never'",
    ),
    Mutation(
        "as_of_activities",
        "activities after as_of are ignored",
        "models/intermediate/journeys/int_activities_until_as_of.sql",
        r"where activities\.occurred_at <= as_of\.as_of",
        "where true",
    ),
    Mutation(
        "as_of_stage_events",
        "stage events after as_of are ignored",
        "models/intermediate/journeys/int_stage_visits_sequenced.sql",
        r"where stage_events\.occurred_at <= as_of\.as_of",
        "where true",
    ),
    Mutation(
        "tie_break",
        "of assignments at one instant the highest assignment_id owns",
        "models/intermediate/journeys/int_owner_history.sql",
        r"order by assignment_id desc",
        "order by assignment_id asc",
    ),
    Mutation(
        "owner_interval_end",
        "an ownership interval ends where the next begins",
        "macros/journeys/owner_valid_at.sql",
        r"< \{\{ owner_history \}\}\.valid_to",
        "<= {{ owner_history }}.valid_to",
    ),
    Mutation(
        "first_touch_at_entry",
        "a touch at exactly entered_at stops first_touch and activity clocks",
        "models/intermediate/sla/int_visit_clocks_started.sql",
        r"policy_visits\.entered_at <= activities\.occurred_at(\s+inner join stop_kinds)",
        r"policy_visits.entered_at < activities.occurred_at\1",
    ),
    Mutation(
        "attempts_channels",
        "attempts need min_channels distinct types",
        "models/intermediate/sla/int_visit_clocks_started.sql",
        r"channels_so_far >= min_channels",
        "channels_so_far >= 1",
    ),
    Mutation(
        "follow_up_strictly_after",
        "a follow_up stops strictly after its trigger",
        "models/intermediate/sla/int_follow_up_clocks_started.sql",
        r"follow_up_triggers\.started_at < follow_up_answers\.occurred_at",
        "follow_up_triggers.started_at <= follow_up_answers.occurred_at",
    ),
    Mutation(
        "signal_at_or_after",
        "a signal_response stops at or after detection",
        "models/intermediate/sla/int_instant_clocks_started.sql",
        r"instant_clocks_placed\.started_at <= activities\.occurred_at",
        "instant_clocks_placed.started_at < activities.occurred_at",
    ),
    Mutation(
        "met_at_due",
        "met when stopped_at <= due_at",
        "models/intermediate/sla/int_clocks_resolved.sql",
        r"stopped_at <= stops_resolved\.due_at then 'met'",
        "stopped_at < stops_resolved.due_at then 'met'",
    ),
    Mutation(
        "at_risk_at_warning",
        "at risk when as_of >= warning_at",
        "models/intermediate/sla/int_clocks_resolved.sql",
        r"as_of >= with_open_seconds_at_end\.warning_at",
        "as_of > with_open_seconds_at_end.warning_at",
    ),
    Mutation(
        "stall_gap",
        "a gap exactly as long as the target is not a stall",
        "models/intermediate/sla/int_stall_clocks_resolved.sql",
        r"gap_ends_at > deadlines\.due_at",
        "gap_ends_at >= deadlines.due_at",
    ),
    Mutation(
        "holidays",
        "holidays have no open time",
        "models/intermediate/calendars/int_calendar_days.sql",
        r"and holidays\.holiday_date is null",
        "and true",
    ),
    Mutation(
        "dst",
        "local opening hours follow each day's DST offset",
        "macros/business_time/from_local_timestamp.sql",
        r"timezone\('UTC', timezone\(\{\{ timezone \}\}, \{\{ local_ts \}\}\)\)",
        "{{ local_ts }}",
    ),
    Mutation(
        "re_entry_is_a_funnel_visit",
        "a re-entry is the next funnel (not closing) visit",
        "models/marts/sla/fct_recycles.sql",
        r"(recycles\.journey_visit_sequence < later_visits\.journey_visit_sequence)"
        r"\s+and not later_visits\.is_closing",
        r"\1",
    ),
    Mutation(
        "calendar_range_covers_contract_starts",
        "the calendar range covers every clock start (contract starts)",
        "models/intermediate/calendars/int_clock_instants.sql",
        r"cast\(start_date as \{\{ dbt\.type_timestamp\(\) \}\}\) as instant_at",
        "cast(null as {{ dbt.type_timestamp() }}) as instant_at",
    ),
    # Issue 8 (weekly review, failure actions): mart_governance_weekly's ISO-year edge, the
    # week-before join, and send_enablement_content's condition.
    Mutation(
        "iso_week_year",
        "weeks are named by the ISO week-numbering year (2027-01-01 is 2026-W53)",
        "macros/business_time/iso_week_label.sql",
        r"'%G-W%V'",
        "'%Y-W%V'",
    ),
    Mutation(
        "previous_iso_week",
        "a week's change is against the ISO week seven days earlier",
        "macros/governance/governance_period_measures.sql",
        r"dbt\.dateadd\('day', -7,",
        "dbt.dateadd('day', -6,",
    ),
    Mutation(
        "enablement_needs_open_journey",
        "send_enablement_content applies only while the journey is not closed or recycled",
        "models/marts/operations/mart_action_queue.sql",
        r"\('send_enablement_content', 'owner_id is not null and not is_journey_closed'\)",
        "('send_enablement_content', 'owner_id is not null')",
    ),
    Mutation(
        "entry_activity_at_entry",
        "an activity logged at the entry instant counts as before entry",
        "models/intermediate/journeys/int_stage_entry_checks_evaluated.sql",
        r"activities\.occurred_at <= visit_criteria\.entered_at",
        "activities.occurred_at < visit_criteria.entered_at",
    ),
    Mutation(
        "entry_activity_window_start",
        "an activity exactly N days before entry is inside the window",
        "models/intermediate/journeys/int_stage_entry_checks_evaluated.sql",
        r"or activities\.occurred_at >= ",
        "or activities.occurred_at > ",
    ),
    # Policy versions (docs/sla_semantics.md, "Policy versions"): [effective_from, effective_to).
    Mutation(
        "policy_version_from_inclusive",
        "a version is in force from its effective_from instant (inclusive)",
        "macros/sla/policy_version_at.sql",
        r"effective_from <= \{\{ instant \}\}",
        "effective_from < {{ instant }}",
    ),
    Mutation(
        "policy_version_to_exclusive",
        "a version is no longer in force at its effective_to instant (exclusive)",
        "macros/sla/policy_version_at.sql",
        r"\{\{ instant \}\} < \{\{ versions \}\}\.effective_to",
        "{{ instant }} <= {{ versions }}.effective_to",
    ),
    Mutation(
        "tuning_bucket_upper_inclusive",
        "a tuning bucket includes its upper bound (lower, upper]",
        "models/marts/governance/mart_target_tuning_cells.sql",
        r"tunable_clocks\.elapsed_in_bucket_unit <= buckets\.bucket_upper_bound",
        "tunable_clocks.elapsed_in_bucket_unit < buckets.bucket_upper_bound",
    ),
    Mutation(
        "tuning_bucket_lower_exclusive",
        "a tuning bucket excludes its lower bound (lower, upper]",
        "models/marts/governance/mart_target_tuning_cells.sql",
        r"tunable_clocks\.elapsed_in_bucket_unit > buckets\.bucket_lower_bound",
        "tunable_clocks.elapsed_in_bucket_unit >= buckets.bucket_lower_bound",
    ),
    Mutation(
        "tuning_candidate_per_cell",
        "the candidate-target rule runs within each month × segment × territory × team cell",
        "models/marts/governance/mart_target_tuning_cells.sql",
        r"(sum\(cell_buckets\.stopped_clocks\) over \(\n\s+partition by\n\s+"
        r"cell_buckets\.policy_id, )cell_buckets\.month_start_date, ",
        r"\1",
    ),
    # next_step (docs/sla_semantics.md, "next_step"): covered at t when some booking has
    # occurred_at <= t < scheduled_for; bookings of no positive length book nothing; touching
    # bookings leave no gap; gaps of zero length make no clock; only qualifying activities book.
    Mutation(
        "next_step_covered_from_inclusive",
        "a booking logged exactly at the entry covers it (occurred_at <= t)",
        "models/intermediate/sla/int_next_step_clocks_started.sql",
        r"policy_visits\.entered_at >= coverage\.covered_from_at",
        "policy_visits.entered_at > coverage.covered_from_at",
    ),
    Mutation(
        "next_step_covered_until_exclusive",
        "a booking whose time comes exactly at the entry no longer covers it (t < scheduled_for)",
        "models/intermediate/sla/int_next_step_clocks_started.sql",
        # (the covered-at-entry test, not the stretch-end join that reads the same)
        r"policy_visits\.entered_at < coverage\.covered_until_at(?=\n\n\),\n\nentry_gaps)",
        "policy_visits.entered_at <= coverage.covered_until_at",
    ),
    Mutation(
        "next_step_gap_positive_length",
        "a gap of zero length (coverage ending at the exit or at as_of) makes no clock",
        "models/intermediate/sla/int_next_step_clocks_started.sql",
        r"where gaps\.started_at < coalesce",
        "where gaps.started_at <= coalesce",
    ),
    Mutation(
        "next_step_booking_positive_length",
        "an activity scheduled for no later than it was logged books nothing",
        "models/intermediate/sla/int_next_step_coverage.sql",
        r"activities\.scheduled_for_at > activities\.occurred_at",
        "activities.scheduled_for_at >= activities.occurred_at",
    ),
    Mutation(
        "next_step_touching_bookings_merge",
        "a booking logged exactly when the coverage so far ends leaves no gap",
        "models/intermediate/sla/int_next_step_coverage.sql",
        r"or booked_from_at > covered_so_far_until_at",
        "or booked_from_at >= covered_so_far_until_at",
    ),
    Mutation(
        "next_step_qualifying_bookings",
        "only qualifying activities (int_policy_activity_kinds 'stop') book a next step",
        "models/intermediate/sla/int_next_step_coverage.sql",
        r"on activities\.activity_kind = stop_kinds\.activity_kind",
        "on true",
    ),
    Mutation(
        "next_step_trigger_tie_break",
        "of bookings ending a stretch at one instant the highest activity_id is the trigger",
        "models/intermediate/sla/int_next_step_coverage.sql",
        r"order by booked_until_at desc, activity_id desc",
        "order by booked_until_at desc, activity_id asc",
    ),
    # Entry criteria on every clock (docs/sla_semantics.md, "Stage entry criteria").
    Mutation(
        "entry_met_needs_every_criterion",
        "a visit meets its entry criteria only when every active criterion passed",
        "models/intermediate/journeys/int_stage_visit_entry_criteria.sql",
        r"failed_criteria_count = 0 as is_entry_criteria_met",
        "failed_criteria_count < criteria as is_entry_criteria_met",
    ),
    Mutation(
        "entry_met_without_criteria",
        "a clock whose visit has no active criteria (or no visit) counts as entry_criteria_met",
        "models/intermediate/sla/int_clocks_resolved.sql",
        r"coalesce\(visit_entry_criteria\.is_entry_criteria_met, true\)",
        "coalesce(visit_entry_criteria.is_entry_criteria_met, false)",
    ),
    Mutation(
        "entry_ok_counts_only_met_entries",
        "the *_entry_ok review measures count only clocks with entry_criteria_met",
        "macros/governance/governance_period_measures.sql",
        r"\{\{ stats_count_if\(\"entry_criteria_met and status = 'met'\"\) \}\}",
        "{{ stats_count_if(\"status = 'met'\") }}",
    ),
    Mutation(
        "entry_unknown_counts_as_broken",
        "an entry check not known to pass (is_passed null) counts as a broken entry",
        "models/marts/governance/mart_stage_entry_criteria_monthly.sql",
        r"count\(\*\) - \{\{ stats_count_if\('is_passed'\) \}\} as failed_entries",
        "{{ stats_count_if('not is_passed') }} as failed_entries",
    ),
    # checkpoint clocks (docs/sla_semantics.md, "Checkpoint clocks").
    Mutation(
        "checkpoint_stop_at_start",
        "an activity exactly at a checkpoint's start stops it (started_at <= occurred_at)",
        "models/intermediate/sla/int_checkpoint_clocks_started.sql",
        r"checkpoint_clocks\.window_starts_at <= activities\.occurred_at",
        "checkpoint_clocks.window_starts_at < activities.occurred_at",
    ),
    Mutation(
        "checkpoint_exit_at_due",
        "a checkpoint whose visit exits exactly at due_at, unstopped, is cancelled (exit <= due)",
        "models/intermediate/sla/int_clocks_resolved.sql",
        r"(sla_type = 'checkpoint' and stops_resolved\.has_exit_before_stop\s+then\s+case\s+"
        r"when stops_resolved\.exited_at )<=",
        r"\1<",
    ),
    Mutation(
        "checkpoint_start_at_exit",
        "a checkpoint starting exactly at the visit's exit makes no clock",
        "models/intermediate/sla/int_checkpoint_clocks_started.sql",
        r"or checkpoint_windows\.window_starts_at < checkpoint_windows\.exited_at",
        "or checkpoint_windows.window_starts_at <= checkpoint_windows.exited_at",
    ),
    Mutation(
        "checkpoint_start_at_as_of",
        "a checkpoint starting exactly at as_of makes a clock (none only when strictly after)",
        "models/intermediate/sla/int_checkpoint_clocks_started.sql",
        r"checkpoint_windows\.window_starts_at <= as_of\.as_of",
        "checkpoint_windows.window_starts_at < as_of.as_of",
    ),
    # The app's sidebar dates (journey_sla/app_logic/warehouse.predicates): both ends whole.
    *(
        Mutation(
            name,
            rule,
            "journey_sla/app_logic/warehouse.py",
            pattern,
            replacement,
            "tests/test_app_logic.py",
        )
        for name, rule, pattern, replacement in (
            (
                "date_filter_first_day",
                "the first day is in from 00:00",
                r"\{moment\} >= cast",
                "{moment} > cast",
            ),
            (
                "date_filter_after_last_day",
                "00:00 after the last day is out",
                r"\{moment\} < cast",
                "{moment} <= cast",
            ),
            (
                "date_filter_last_day_whole",
                "the last day is in until its end",
                r"filters\.end_date \+ timedelta\(days=1\)",
                "filters.end_date",
            ),
            (
                "month_filter_first_month",
                "the first day's month is in",
                r"\{month\} >= cast",
                "{month} > cast",
            ),
            (
                "month_filter_last_month",
                "the last day's month is in, even from its 1st",
                r"\{month\} <= cast",
                "{month} < cast",
            ),
            (
                "month_filter_month_start",
                "the first month counts from its 1st",
                r"filters\.start_date\.replace\(day=1\)",
                "filters.start_date",
            ),
        )
    ),
)


def apply(project: Path, mutation: Mutation) -> None:
    path = project / mutation.path
    text = path.read_text()
    mutated, count = re.subn(mutation.pattern, mutation.replacement, text)
    if count != 1:
        raise SystemExit(f"{mutation.name}: pattern matched {count} times in {mutation.path}")
    path.write_text(mutated)


def run(command: list[str], cwd: Path, env: dict[str, str]) -> bool:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--warehouse", help="a built warehouse the unit tests run against")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    python = sys.executable
    scratch = Path(tempfile.mkdtemp(prefix="mutations-"))
    try:
        base = scratch / "base"
        ignore = shutil.ignore_patterns(".venv", "target", "logs", "data", ".git", "test-artifacts")
        shutil.copytree(ROOT, base, ignore=ignore)
        warehouse = scratch / "warehouse.duckdb"
        env = {**os.environ, "JOURNEY_SLA_DB": str(warehouse)}
        if args.warehouse:
            shutil.copy2(args.warehouse, warehouse)
            raw = Path(args.warehouse).with_name(Path(args.warehouse).stem + ".raw.duckdb")
            shutil.copy2(raw, scratch / "warehouse.raw.duckdb")
        else:
            extract = scratch / "extract"
            cli = [python, "-m", "journey_sla"]
            assert run([*cli, "generate", "--journeys", "300", "--out", str(extract)], base, env)
            assert run([*cli, "load", str(extract), "--max-reject-rate", "1"], base, env)
            assert run([*cli, "build"], base, env), "the unmutated project does not build"
        dbt_env = {
            **env,
            "JOURNEY_SLA_BUILD_DB": str(warehouse),
            "JOURNEY_SLA_RAW_DB": str(scratch / "warehouse.raw.duckdb"),
        }
        missed = []
        for mutation in chosen:
            project = scratch / mutation.name
            shutil.copytree(base, project)
            apply(project, mutation)
            dbt = [str(Path(python).with_name("dbt")), "test", "--select", "test_type:unit"]
            dbt += ["--project-dir", str(project), "--profiles-dir", str(project)]
            is_sql = mutation.path.startswith(("models/", "macros/"))
            if is_sql and not run(dbt, project, dbt_env):
                caught = "dbt unit tests"
            elif not run(
                [
                    python,
                    "-m",
                    "pytest",
                    "-q",
                    "-x",
                    "-n0",  # one file, in this process (even if addopts asks for workers)
                    "-p",
                    "no:cacheprovider",
                    mutation.tests,
                ],
                project,
                {**env, "PYTHONPATH": str(project)},  # import the mutated copy's journey_sla
            ):
                caught = (
                    "golden scenario" if mutation.tests.endswith("golden.py") else mutation.tests
                )
            else:
                caught = None
                missed.append(mutation.name)
            print(f"{mutation.name:40s} {caught or 'NOT CAUGHT':18s} {mutation.rule}", flush=True)
            shutil.rmtree(project, ignore_errors=True)
        print(f"{len(chosen) - len(missed)} of {len(chosen)} mutations caught")
        return 1 if missed else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
