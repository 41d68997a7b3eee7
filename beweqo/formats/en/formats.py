"""English display formats (FORMAT_MODULE_PATH), British style: day before month, 24-hour
clock. Same names as beweqo/formats/de/formats.py; Django's own en formats fill in the rest."""

DATE_FORMAT = "j F Y"  # 9 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 9 Dec 2026 (unambiguous, unlike 09/12/2026)
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 9 Dec 2026, 14:30
TIME_FORMAT = "H:i"  # 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 9 December

LONG_DATETIME_FORMAT = "j F Y, H:i"  # 9 December 2026, 14:30
SHORT_DATETIME_COMMA_FORMAT = "j M Y, H:i"  # 9 Dec 2026, 14:30
WEEKDAY_DATETIME_FORMAT = "D, j F Y, H:i"  # Wed, 9 December 2026, 14:30
LONG_WEEKDAY_DATETIME_FORMAT = "l, j F Y, H:i"  # Wednesday, 9 December 2026, 14:30
WEEKDAY_SHORT_DATETIME_FORMAT = "l, j M Y, H:i"  # Wednesday, 9 Dec 2026, 14:30
ABBR_WEEKDAY_SHORT_DATETIME_FORMAT = "D, j M Y, H:i"  # Wed, 9 Dec 2026, 14:30
WEEKDAY_MONTH_DAY_FORMAT = "l, j F"  # Wednesday, 9 December
SHORT_MONTH_DAY_FORMAT = "j M"  # 9 Dec
