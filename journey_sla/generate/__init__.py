"""Demo-data generator: a synthetic CRM extract that follows the raw extract contract.

The extract is simulated journey by journey, but every step works on whole NumPy
arrays (one array element per journey, activity or event), so 1M journeys take
minutes, not hours. Delays are drawn in *business* seconds of the acting user's
calendar and mapped back to wall-clock time, so a lead that arrives on Friday
night waits for Monday morning, as it would in a real sales team.

Behaviour the analytics rely on (see ``generate`` for the knobs):

- response time to an inquiry depends on the SDR (some are slow), on the arrival
  hour (nights and weekends wait) and on the SDR's load that day, and the chance
  that the inquiry progresses falls with it;
- SDRs who give up after few attempts or use one channel convert fewer SALs;
- slow AE handoffs, late follow-ups and opportunity stalls lower win rates;
- about a quarter of recycled journeys re-enter at mql or sal weeks later;
- most SDRs book the discovery meeting before handing an SQL over, some hand over without
  one; now and then a sal or sql goes unrecorded, and a few accounts lack an industry
  (the stage entry criteria then fail);
- AEs book the next meeting at opportunity entry and after each held meeting, right away
  or (sloppier AEs, and always before a stall) days later; late bookings lower win rates;
- CSMs check in on adoption around days 7, 30, 60 and 90, most in time, some late or not;
- ``dirty > 0`` appends rows the loader must reject, counted in ``manifest.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np

from journey_sla.contract import TABLE_NAMES
from journey_sla.generate.calendars import (
    Calendars,
    add_months,
    epoch_seconds,
    read_territory_calendars,
)
from journey_sla.generate.constants import DAY
from journey_sla.generate.dirt import DIRTY_REASONS, add_dirty_rows
from journey_sla.generate.noise import finish_rows
from journey_sla.generate.output import progress_bar, write_manifest, write_table
from journey_sla.generate.people import make_accounts_and_journeys, make_users
from journey_sla.generate.reason_codes import read_reason_codes
from journey_sla.generate.simulation import simulate_funnel
from journey_sla.generate.tables import TableBuilder

__all__ = ["CRMS", "DIRTY_REASONS", "FORMATS", "generate"]

FORMATS = ("csv", "parquet")
CRMS = ("extract", "salesforce", "hubspot")


def _validate(journeys, seed, start, months, dirty, fmt, crm="extract") -> None:
    def is_int(value):
        return isinstance(value, int | np.integer) and not isinstance(value, bool)

    if not is_int(journeys) or journeys < 1:
        raise ValueError(f"journeys must be an integer >= 1, got {journeys!r}")
    if not is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(start, date):
        raise ValueError(f"start must be a date, got {start!r}")
    if not is_int(months) or months < 1:
        raise ValueError(f"months must be an integer >= 1, got {months!r}")
    if not isinstance(dirty, int | float | np.floating) or not 0.0 <= float(dirty) < 0.5:
        raise ValueError(f"dirty must be a number in [0, 0.5), got {dirty!r}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if crm not in CRMS:
        raise ValueError(f"crm must be one of {', '.join(CRMS)}, got {crm!r}")
    if crm != "extract" and dirty:
        # Dirty rows are contract-v1 rows the extract loader must reject; a CRM's own bad
        # rows look different (docs/crm_sources.md), so they are not simulated in its shape.
        raise ValueError(f"dirty rows are generated for --crm extract only, got --crm {crm}")


def _crm_converter(crm: str) -> Callable[[dict], dict]:
    """The function turning contract-v1 tables into the CRM's objects, imported when asked
    for so that a CRM whose module is missing fails with one clear line."""
    import importlib

    module_name = f"journey_sla.generate.{crm}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        message = f"generate --crm {crm} is not available yet ({module_name} missing)"
        raise ValueError(message) from None
    return getattr(module, f"to_{crm}")


def generate(
    out_dir: Path,
    journeys: int,
    seed: int = 7,
    start: date = date(2025, 1, 1),
    months: int = 18,
    dirty: float = 0.0,
    fmt: str = "csv",
    show_progress: bool = False,
    crm: str = "extract",
) -> dict[str, int]:
    """Write the demo extract to out_dir (created if missing); return rows written per table
    (including dirty rows). ``crm`` other than ``extract`` writes the same journeys as that
    CRM's objects (journey_sla/generate/salesforce.py, hubspot.py), one file per object."""
    _validate(journeys, seed, start, months, dirty, fmt, crm)
    convert = None if crm == "extract" else _crm_converter(crm)
    if isinstance(start, datetime):
        start = start.date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    journeys = int(journeys)
    end = add_months(start, months)
    t0, t1 = epoch_seconds(start), epoch_seconds(end)
    # One generator for the whole run, drawn from in a fixed order: same seed, same bytes.
    rng = np.random.default_rng(seed)
    state: dict = {}

    def people():
        # Business-time arithmetic must reach past the window: renewals fall a year after a win.
        state["cal"] = Calendars(t0, t1 + 800 * DAY, read_territory_calendars())
        state["codes"] = read_reason_codes()
        state["users"] = make_users(rng, journeys)
        state["accounts"], state["jr"] = make_accounts_and_journeys(
            rng, state["cal"], journeys, t0, t1
        )

    def funnel():
        state["sim"] = simulate_funnel(
            rng, state["cal"], state["users"], state["jr"], state["codes"], t0, t1
        )

    def tidy():
        state.update(finish_rows(rng, state.pop("sim"), state["jr"], state["users"], t0, t1))

    steps: list[tuple[str, Callable[[], None]]] = [
        ("Simulating people and accounts", people),
        ("Simulating the funnel", funnel),
        ("Adding CRM noise", tidy),
    ]
    rows: dict[str, int] = {}
    dirty_rows: dict[str, dict[str, int]] = {}
    tables = TableBuilder(rng, state)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # our own bar, or none
    try:
        with progress_bar(show_progress) as progress:
            task = progress.add_task("Generating", total=len(steps) + len(TABLE_NAMES))
            for label, step in steps:
                progress.update(task, description=label)
                step()
                progress.advance(task)
            built: dict = {}
            for name in TABLE_NAMES:
                progress.update(task, description=f"Writing {name}")
                # The same draws in the same order whatever the shape: same journeys.
                table, counts = add_dirty_rows(rng, name, tables.build(name), dirty)
                dirty_rows[name] = counts
                if convert is None:
                    write_table(con, table, out_dir / f"{name}.{fmt}", fmt)
                    rows[name] = table.num_rows
                else:
                    built[name] = table
                del table  # extract: one table in memory at a time
                progress.advance(task)
            if convert is not None:
                progress.update(task, description=f"Writing {crm} objects")
                objects = convert(built)
                built.clear()
                for name, table in objects.items():
                    write_table(con, table, out_dir / f"{name}.{fmt}", fmt)
                    rows[name] = table.num_rows
                dirty_rows = {name: {} for name in rows}
    finally:
        con.close()

    settings = {
        "seed": seed,
        "journeys": journeys,
        "start": start.isoformat(),
        "months": months,
        "dirty": dirty,
        "format": fmt,
        "crm": crm,
        "end": end.isoformat(),
        "contract_version": 1,
    }
    write_manifest(out_dir, settings, rows, dirty_rows)
    return rows
