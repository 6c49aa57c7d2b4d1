"""File types by their first bytes (no I/O): what an upload really is, whatever it claims."""

from __future__ import annotations

from typing import Final

# ISO-BMFF brands of HEIF images as iPhones and Android cameras write them.
_HEIC_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
)
SNIFF_BYTES: Final = 32


def sniff(head: bytes) -> str | None:
    """The media type of a PDF, JPEG, PNG or HEIC file from its first bytes, else None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None
