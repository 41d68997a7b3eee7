"""German display formats (FORMAT_MODULE_PATH). Django's own de formats fill in the rest.

The standard names keep Django's German values; the extra names below are the portal's own
patterns, looked up by name in templates (``|date:"LONG_DATETIME_FORMAT"``) and code
(``formats.date_format(value, "LONG_DATETIME_FORMAT")``). Every extra name must exist in every
language's module, otherwise Django prints the name itself.
"""

DATE_FORMAT = "j. F Y"  # 9. Dezember 2026
SHORT_DATE_FORMAT = "d.m.Y"  # 09.12.2026
SHORT_DATETIME_FORMAT = "d.m.Y H:i"  # 09.12.2026 14:30
TIME_FORMAT = "H:i"  # 14:30
YEAR_MONTH_FORMAT = "F Y"  # Dezember 2026
MONTH_DAY_FORMAT = "j. F"  # 9. Dezember

LONG_DATETIME_FORMAT = "j. F Y, H:i"  # 9. Dezember 2026, 14:30
SHORT_DATETIME_COMMA_FORMAT = "d.m.Y, H:i"  # 09.12.2026, 14:30
WEEKDAY_DATETIME_FORMAT = "D, j. F Y, H:i"  # Mi, 9. Dezember 2026, 14:30
LONG_WEEKDAY_DATETIME_FORMAT = "l, j. F Y, H:i"  # Mittwoch, 9. Dezember 2026, 14:30
WEEKDAY_SHORT_DATETIME_FORMAT = "l, d.m.Y, H:i"  # Mittwoch, 09.12.2026, 14:30
ABBR_WEEKDAY_SHORT_DATETIME_FORMAT = "D, d.m.Y, H:i"  # Mi, 09.12.2026, 14:30
WEEKDAY_MONTH_DAY_FORMAT = "l, j. F"  # Mittwoch, 9. Dezember
SHORT_MONTH_DAY_FORMAT = "d.m."  # 09.12.
