"""Belgian public holidays, working days, the consumer waiting period."""

from datetime import date, datetime, timedelta

import law
import pytest
from hypothesis import given
from hypothesis import strategies as st
from law.calendar import easter_sunday


@pytest.mark.parametrize(
    "year, easter",
    [
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_public_holidays_2025():
    assert sorted(law.public_holidays(2025)) == [
        date(2025, 1, 1),
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 1),
        date(2025, 5, 29),  # Ascension: Easter + 39
        date(2025, 6, 9),  # Whit Monday: Easter + 50
        date(2025, 7, 21),
        date(2025, 8, 15),
        date(2025, 11, 1),
        date(2025, 11, 11),
        date(2025, 12, 25),
    ]


def test_working_days():
    assert law.is_working_day(date(2025, 7, 18))  # Friday
    assert not law.is_working_day(date(2025, 7, 19))  # Saturday
    assert not law.is_working_day(date(2025, 7, 21))  # Monday, National Day
    assert law.is_working_day(date(2025, 4, 18))  # Good Friday is no public holiday
    assert law.add_working_days(date(2025, 7, 18), 1) == date(2025, 7, 22)


@pytest.mark.parametrize(
    "sent_on, channel, end",
    [
        # Paper reminder sent Friday 2025-07-18: Sat, Sun, Mon 21 July (National Day)
        # do not count; working days Tue 22 (1st), Wed 23 (2nd), Thu 24 (3rd): the
        # period runs 2025-07-24..2025-08-06 (24 + 13).
        (date(2025, 7, 18), "post", date(2025, 8, 6)),
        # The same by e-mail: the period starts the next day, Sat 19: 19 + 13 = 1 Aug.
        (date(2025, 7, 18), "email", date(2025, 8, 1)),
        # Paper sent Thursday 2025-03-06, over a weekend: Fri 7 (1st), Mon 10 (2nd),
        # Tue 11 (3rd): 2025-03-11..03-24.
        (date(2025, 3, 6), "post", date(2025, 3, 24)),
        # Paper sent Thursday 2025-04-17 before Easter: Fri 18 (1st), Mon 21 is Easter
        # Monday, Tue 22 (2nd), Wed 23 (3rd): 2025-04-23..05-06.
        (date(2025, 4, 17), "post", date(2025, 5, 6)),
        # Paper sent Wednesday 2025-12-24: Thu 25 Christmas, Fri 26 (1st), Mon 29
        # (2nd), Tue 30 (3rd): 2025-12-30..2026-01-12.
        (date(2025, 12, 24), "post", date(2026, 1, 12)),
        # E-mail on Wednesday 2025-12-31: 2026-01-01 (a holiday, calendar days count)
        # + 13 = 2026-01-14.
        (date(2025, 12, 31), "email", date(2026, 1, 14)),
    ],
)
def test_b2c_waiting_period_end(sent_on, channel, end):
    assert law.b2c_waiting_period_end(sent_on, channel) == end


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_waiting_period_shape(sent_on):
    email_end = law.b2c_waiting_period_end(sent_on, "email")
    post_end = law.b2c_waiting_period_end(sent_on, "post")
    assert email_end == sent_on + timedelta(days=14)
    post_start = post_end - timedelta(days=13)
    assert law.is_working_day(post_start)
    working = [
        day
        for day in (
            sent_on + timedelta(days=n)
            for n in range(1, (post_start - sent_on).days + 1)
        )
        if law.is_working_day(day)
    ]
    assert len(working) == 3
    assert post_end >= email_end + timedelta(days=2)


@pytest.mark.parametrize("channel", ["letter", "POST", "", None])
def test_unknown_channel(channel):
    with pytest.raises(ValueError, match="channel"):
        law.b2c_waiting_period_end(date(2025, 7, 18), channel)


def test_sent_on_must_be_a_date():
    with pytest.raises(TypeError, match="sent_on"):
        law.b2c_waiting_period_end(datetime(2025, 7, 18, 12), "post")
    with pytest.raises(TypeError, match="sent_on"):
        law.b2c_waiting_period_end("2025-07-18", "post")
