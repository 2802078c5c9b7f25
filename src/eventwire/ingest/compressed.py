"""gzip files: unpacked in memory, with the size limit applied to what comes out.

The limit is checked on the unpacked size as well, because a small ``.gz`` can
unpack to gigabytes (a "zip bomb") and we read files whole.
"""

from __future__ import annotations

import gzip
import io
import zlib

CORRUPT = "corrupt gzip file"


def gunzip(data: bytes, max_bytes: int) -> tuple[bytes | None, str]:
    """``(content, "")``, or ``(None, reason)`` when corrupt or too big once unpacked."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            content = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error):
        return None, CORRUPT
    if len(content) > max_bytes:
        return None, f"unpacks to more than the {max_bytes:,}-byte limit"
    return content, ""
