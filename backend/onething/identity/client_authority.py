"""What a registered client is an authoritative source of (`oauth_clients.asserts`): catalog
data element ids, or `<section>.*` for a whole dictionary section — data, not code, checked
against the catalog at registration and applied at a prefilled launch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from onething.catalog.model import section_of

if TYPE_CHECKING:
    from collections.abc import Collection

WHOLE_SECTION: Final = ".*"


def unknown_assertions(elements: Collection[str], asserts: Collection[str]) -> list[str]:
    """Entries of a registration's `asserts` naming no data element or section of the catalog."""
    sections = {section_of(e) for e in elements}
    return [
        a
        for a in asserts
        if a not in elements
        and not (a.endswith(WHOLE_SECTION) and a.removesuffix(WHOLE_SECTION) in sections)
    ]


def covers(asserts: Collection[str], element: str) -> bool:
    """Whether a client registered as asserting `asserts` is authoritative for `element`."""
    return element in asserts or f"{section_of(element)}{WHOLE_SECTION}" in asserts
