"""How a return's base and an import's record are kept: compact, compressed JSON.

A 1,000 × 10 return's base is every cell of 11,000 rows; as JSON with the
column names written once per sheet and zlib on top it is a few hundred KB.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from fowdesk.domain.returns import ImportRecord, NewRowKey, ReturnBase

_FORMAT = 1


def _pack(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Level 1: a 1,000 × 10 base packs about as small, several times faster.
    return zlib.compress(text.encode("utf-8"), 1)


def _unpack(blob: bytes | None) -> dict[str, Any] | None:
    if blob is None:
        return None
    try:
        data = json.loads(zlib.decompress(blob).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None  # unreadable: the import compares with the database instead
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    return data


def pack_base(base: ReturnBase) -> bytes:
    """Each sheet as its column keys once, then one list of values per row."""
    sheets: dict[str, Any] = {}
    for name, rows in base.sheets.items():
        keys = sorted({key for row in rows.values() for key in row})
        sheets[name] = {
            "columns": keys,
            "rows": {row_id: [row.get(key, "") for key in keys] for row_id, row in rows.items()},
        }
    return _pack({"format": _FORMAT, "sheets": sheets})


def unpack_base(blob: bytes | None) -> ReturnBase | None:
    data = _unpack(blob)
    if data is None:
        return None
    base = ReturnBase()
    for name, sheet in data["sheets"].items():
        keys = sheet["columns"]
        base.sheets[name] = {
            row_id: dict(zip(keys, values, strict=True)) for row_id, values in sheet["rows"].items()
        }
    return base


def pack_record(record: ImportRecord) -> bytes:
    created = [[k.sheet, k.card, k.ordinal, uuid] for k, uuid in record.created.items()]
    return _pack({"format": _FORMAT, "values": record.values, "created": created})


def unpack_record(return_id: str, blob: bytes | None) -> ImportRecord | None:
    data = _unpack(blob)
    if data is None:
        return None
    return ImportRecord(
        return_id,
        values={row_id: dict(values) for row_id, values in data["values"].items()},
        created={
            NewRowKey(sheet, card, int(ordinal)): uuid
            for sheet, card, ordinal, uuid in data["created"]
        },
    )
