"""Consolidation timing, backoff and the parcel state machine (pure, no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from onething.applications.calendar import load_calendar
from onething.core.settings import REPO_ROOT, DeliverySettings
from onething.delivery.parcels import backoff_seconds, latest_ship_day, ship_day
from onething.delivery.states import ParcelState, TrackingStatus, after_tracking

CALENDAR = load_calendar(Path(REPO_ROOT) / "catalog" / "holidays")
MONDAY = dt.date(2026, 11, 23)


def test_a_parcel_waits_for_the_window_when_the_promise_allows() -> None:
    settings = DeliverySettings(window_days=2, transit_days=1)
    promised = CALENDAR.add_working_days(MONDAY, 5).date  # the next Monday
    assert ship_day(CALENDAR, MONDAY, promised, settings) == dt.date(2026, 11, 25)


def test_waiting_never_breaks_the_promised_date() -> None:
    settings = DeliverySettings(window_days=10, transit_days=1)
    promised = CALENDAR.add_working_days(MONDAY, 5).date
    latest = latest_ship_day(CALENDAR, promised, 1)
    assert ship_day(CALENDAR, MONDAY, promised, settings) == latest
    assert CALENDAR.add_working_days(latest, 1).date <= promised


def test_late_outputs_ship_the_same_day() -> None:
    settings = DeliverySettings(window_days=2, transit_days=1)
    promised = MONDAY  # already due: nothing waits
    assert ship_day(CALENDAR, MONDAY, promised, settings) == MONDAY


def test_the_last_ship_day_skips_the_weekend() -> None:
    # Promised on a Monday with one transit day: leave on Friday at the latest.
    assert latest_ship_day(CALENDAR, MONDAY, 1) == dt.date(2026, 11, 20)


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff_seconds(30) == 300


def test_tracking_moves_forward_only() -> None:
    s, t = ParcelState, TrackingStatus
    assert after_tracking(s.ORDERED, t.PICKED_UP) == s.PICKED_UP
    assert after_tracking(s.PICKED_UP, t.DELIVERED) == s.DELIVERED  # steps may be skipped
    assert after_tracking(s.IN_TRANSIT, t.PICKED_UP) is None  # a late, older event
    assert after_tracking(s.DELIVERED, t.RETURNED) is None
    assert after_tracking(s.OUT_FOR_DELIVERY, t.RETURNED) == s.RETURNED
    assert after_tracking(s.COLLECTING, t.PICKED_UP) is None  # no order yet
