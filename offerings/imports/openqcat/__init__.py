"""Reading open-Q-cat 1.1 files (the format of the federal course database).

The flow, one way down: `reader.py` streams the file (root, HEADER, SUPPLIER) and turns each
SERVICE into records for a stage (`staging.py`), reading the offer's values with `offer.py`
and its dates with `dates.py`. Both see a SERVICE through `elements.py`, which remembers
what was used; `unused.py` reports every other element with content, per offer when it may
matter to a job seeker and per file when it is technical, so nothing is dropped without a
word. Offers (`EDUCATION type="true"`) and their dates (`type="false"`, linked through
COURSE_ID) may come in any order, and every MODULE_COURSE of a SERVICE is a date of its own.

The element names and their meaning are those of the format's schema (open-Qcat.V1.1.xsd)
and the Federal Employment Agency's field list; the coded values are in `codes.py`.
"""

from offerings.imports.openqcat.elements import OWN_CLASSIFICATION
from offerings.imports.openqcat.reader import openqcat_parse, openqcat_read

__all__ = ["OWN_CLASSIFICATION", "openqcat_parse", "openqcat_read"]
