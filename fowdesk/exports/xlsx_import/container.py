"""Is this file a sound, harmless .xlsx? Checked before any XML is parsed.

An old .xls, a CSV (whatever its name), a LibreOffice .ods, a damaged or
truncated download, a zip bomb and an XML entity trick each get one line
saying what the file is and what to do; nothing else is read from them.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from fowdesk.errors import InvalidInput

#: A return of 1,000 recommendations is a few MB; anything near these is not a return.
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: XML compresses well, but not this well: a member this much smaller zipped is a bomb.
MAX_RATIO = 150
_RATIO_FLOOR = 5 * 1024 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SAVE_AS_XLSX = "save it as Excel workbook (.xlsx) and import that"


@dataclass
class XlsxPackage:
    """The members of a checked .xlsx, unpacked (their sizes were checked first)."""

    path: Path
    members: dict[str, bytes]

    def read(self, name: str) -> bytes | None:
        return self.members.get(name.lstrip("/"))


def check_container(path: Path) -> XlsxPackage:
    """Refuse anything that is not a sound, harmless .xlsx; unpack what is."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidInput(
            f"{path}: {size / 1024 / 1024:.0f} MB is far larger than any return; "
            "it is not an Excel return"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    if head.startswith(_OLE2_MAGIC):
        raise InvalidInput(
            f"{path}: an old Excel 97-2003 (.xls) file; open it in Excel or LibreOffice "
            "and save it as an Excel workbook (.xlsx), then import that"
        )
    if not head.startswith(b"PK"):
        raise InvalidInput(_not_a_zip(path, head))
    try:
        with zipfile.ZipFile(path) as archive:
            return XlsxPackage(path, _unpack(path, archive))
    except (zipfile.BadZipFile, zlib.error):
        # A member's compressed bytes damaged in transit fail to inflate (zlib.error),
        # before its CRC could be checked: the same damaged download.
        raise InvalidInput(
            f"{path}: damaged or incomplete Excel workbook (truncated?); ask for it again"
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise InvalidInput(f"{path}: cannot be read as an Excel workbook ({exc})") from None


def _unpack(path: Path, archive: zipfile.ZipFile) -> dict[str, bytes]:
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InvalidInput(
            f"{path}: unpacks to {total / 1024 / 1024:.0f} MB, far more than any "
            "return (a zip bomb?); not read"
        )
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InvalidInput(
                f"{path}: {info.filename} unpacks {ratio} times larger than it is "
                "packed (a zip bomb?); not read"
            )
    names = {i.filename for i in infos}
    if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIMETYPE):
        raise InvalidInput(f"{path}: an OpenDocument spreadsheet: {_SAVE_AS_XLSX}")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise InvalidInput(f"{path}: a zip file, but not an Excel workbook (.xlsx)")
    members = {}
    for info in infos:
        data = archive.read(info)  # checks each member's CRC: a damaged file stops here
        if info.filename.endswith((".xml", ".rels")) and (
            b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper()
        ):
            raise InvalidInput(
                f"{path}: {info.filename} declares XML entities, which no Excel "
                "workbook does; not read"
            )
        members[info.filename] = data
    return members


def _not_a_zip(path: Path, head: bytes) -> str:
    """What a file that is not a zip at all most likely is."""
    text = _as_text(head)
    if text is not None and _looks_like_csv(text):
        return (
            f"{path}: a CSV file (text), not an Excel workbook: a CSV holds one sheet, and a "
            "return needs its Recommendations and Milestones sheets; import the .xlsx return "
            "as it was sent (or, if it was opened in Excel or LibreOffice, "
            f"{_SAVE_AS_XLSX})"
        )
    if text is not None:
        return f"{path}: not an Excel workbook (.xlsx); it is plain text"
    return f"{path}: not an Excel workbook (.xlsx)"


def _as_text(head: bytes) -> str | None:
    """The start of the file as text, if it is text (no control characters but line ends)."""
    if any(byte < 0x20 and byte not in b"\t\n\r" for byte in head):
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    return bool(lines) and any(sep in lines[0] for sep in (",", ";", "\t"))
