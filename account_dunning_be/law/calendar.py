"""Belgian working days and the consumer waiting period (Book XIX)."""

import functools
from datetime import date, timedelta

from ._base import check_date

CHANNELS = ("post", "email")

# Book XIX: the waiting period lasts at least 14 calendar days.
WAITING_PERIOD_DAYS = 14
# Book XIX: a paper reminder's period starts on the 3rd working day after sending.
POST_DELAY_WORKING_DAYS = 3


def easter_sunday(year):
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.lru_cache(maxsize=256)
def public_holidays(year):
    """The ten Belgian public holidays of ``year``, as a frozenset of dates."""
    # Law of 4 January 1974 on public holidays and Royal Decree of 18 April 1974.
    easter = easter_sunday(year)
    return frozenset(
        (
            date(year, 1, 1),  # New Year
            easter + timedelta(days=1),  # Easter Monday
            date(year, 5, 1),  # Labour Day
            easter + timedelta(days=39),  # Ascension
            easter + timedelta(days=50),  # Whit Monday
            date(year, 7, 21),  # National Day
            date(year, 8, 15),  # Assumption
            date(year, 11, 1),  # All Saints
            date(year, 11, 11),  # Armistice
            date(year, 12, 25),  # Christmas
        )
    )


def is_working_day(day):
    """Monday to Friday, not a Belgian public holiday."""
    check_date(day, "day")
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(day, count):
    """The ``count``-th working day after ``day`` (``count`` >= 1)."""
    check_date(day, "day")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def b2c_waiting_period_start(sent_on, channel):
    """First day of a consumer reminder's waiting period: the 3rd working day after a
    paper reminder is sent (``"post"``), the day after an e-mail (``"email"``)."""
    # Code of Economic Law art. XIX.2 (Book XIX, law of 4 May 2023).
    check_date(sent_on, "sent_on")
    if channel == "post":
        return add_working_days(sent_on, POST_DELAY_WORKING_DAYS)
    if channel == "email":
        return sent_on + timedelta(days=1)
    raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, got {channel!r}")


def b2c_waiting_period_end(sent_on, channel):
    """LAST day of a consumer reminder's 14-day waiting period; costs, damages and
    interest may be charged from the day after."""
    # Code of Economic Law art. XIX.2: at least 14 calendar days.
    start = b2c_waiting_period_start(sent_on, channel)
    return start + timedelta(days=WAITING_PERIOD_DAYS - 1)
