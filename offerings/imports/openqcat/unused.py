"""The report of what an open-Q-cat file says that the import did not take over.

A `Service` (`elements.py`) remembers which elements the reader used; `unused_paths` names
every other element with content, by its path. Paths of technical elements (`TECHNICAL`) are
reported once per file, all others per offer, so nothing is dropped without a word.
"""

from xml.etree.ElementTree import Element

# Elements that only group others; left out of the paths the report names.
WRAPPERS = {"SERVICE_DETAILS", "SERVICE_MODULE", "EDUCATION"}
# Elements the catalogue has no use for and a job seeker would not miss (identifiers of
# other systems, codes for KURSNET's own sorting, postal details): reported per file only.
TECHNICAL = {
    "ID_DB",
    "COURSE_TYPE",
    "COURSE_ID",
    "SUPPLIER_ID_REF",
    "SUPPLIER_ALT_PID",
    "RECIPIENT_PID",
    "SERVICE_ORDER",
    "MODULE_ORDER",
    "SEGMENT_TYPE",
    "SEGMENT",
    "ANNOUNCEMENT",
    "CONTACT_ROLE",
    "SALUTATION",
    "INSTITUTION",
    "EDUCATION_TYPE",
    "INSTRUCTION_FORM_NAME",
    "CERTIFIER_NUMBER",
    "CERTIFICATE_NUMBER",
    "CERT_VALIDITY",
    "COUNTRY",
    "COUNTRY_CODED",
    "STATE",
    "DISTRICT",
    "ZIPBOX",
    "BOXNO",
    "FAX",
    "MOBILE",
    "PRICE_CURRENCY",
    "MIME_ORDER",
    "MIME_TYPE",
    "MIME_PURPOSE",
    "MIME_ALT",
    "HS_INFO",
    "DURATION",
    "REFERENCE_CLASSIFICATION_SYSTEM_NAME",
    "REFERENCE_CLASSIFICATION_GROUP_ID",
    "REFERENCE_CLASSIFICATION_GROUP_NAME",
    "FORDER",
    "VALIDITY",
    "DAILY_PRICE",
    "PUBLIC_KEY",
}


def is_technical(path: str) -> bool:
    return path.rsplit("/", 1)[-1].split("@", 1)[0] in TECHNICAL


def unused_paths(root: Element, used: set[int]) -> dict[str, int]:
    """Path → count of the elements with content under `root` whose ids are not in `used`;
    an element none of whose content was used is named once, not by its parts."""
    found: dict[str, int] = {}
    _unused(root, "", found, used)
    return found


def _unused(element: Element, path: str, found: dict, used_ids: set[int]) -> tuple[bool, bool]:
    """(has content, has used content) of `element`'s subtree; records what is unused."""
    own = bool((element.text or "").strip()) or any(str(v).strip() for v in element.attrib.values())
    used_here = id(element) in used_ids
    children = []
    for child in element:
        tag = child.tag
        child_path = path if tag in WRAPPERS else (f"{path}/{tag}" if path else tag)
        children.append((child, child_path))
    if not children:
        if own and not used_here:
            found[path] = found.get(path, 0) + 1
        return own, own and used_here
    partial: dict[str, int] = {}
    content, used = own, own and used_here
    for child, child_path in children:
        child_content, child_used = _unused(child, child_path, partial, used_ids)
        content = content or child_content
        used = used or child_used
    if content and not used and path:
        found[path] = found.get(path, 0) + 1
        return content, used
    for key, count in partial.items():
        found[key] = found.get(key, 0) + count
    if own and not used_here and path:
        # The element's own attributes (DURATION@type) when its parts were used.
        attributes = ",".join(k for k, v in element.attrib.items() if str(v).strip())
        key = f"{path}@{attributes}" if attributes else path
        found[key] = found.get(key, 0) + 1
    return content, used
