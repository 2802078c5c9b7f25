"""Bytes to text: UTF-8 first, then a declared charset, then a confident guess.

News archives are full of legacy encodings (windows-1252, cp1251, ...). We
accept them only when charset-normalizer is confident, because a wrong guess
silently garbles names that the actor matcher then fails to find; an input we
cannot decode is rejected with a reason instead.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

BINARY = "binary file (contains NUL bytes), not text"
UNKNOWN_ENCODING = "cannot tell the text encoding (not UTF-8); convert it to UTF-8"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A guess counts only when the decoded text is clean (little "chaos") and looks
# like a language (some "coherence"); a dozen bytes never qualify.
_MAX_CHAOS = 0.1
_MIN_COHERENCE = 0.2
# When several encodings read Western text equally well, the commonest wins.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")
_WESTERN = frozenset(
    "English Dutch French German Spanish Portuguese Italian Swedish Danish Norwegian "
    "Finnish Indonesian".split()
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
#: Python codecs a page may name that are no character set: they read backslash escapes
#: (and make lone surrogates of "\\ud800") or refuse everything.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces (UTF-16 text has NULs but is not binary)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def is_binary(data: bytes) -> bool:
    """NUL bytes near the start mean an image, archive or office file, not text."""
    return bom_encoding(data) is None and b"\x00" in data[:8192]


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str | None, str]:
    """``(text, "")`` on success, ``(None, reason)`` when the bytes are not usable text.

    Order: byte-order mark, strict UTF-8, the charset the input declares
    (HTML meta, HTTP header), then charset-normalizer's confident guess.
    """
    if is_binary(data):
        return None, BINARY
    bom = bom_encoding(data)
    for encoding in (bom, "utf-8", declared):
        text = _decoded(data, encoding) if encoding else None
        if text is not None:
            return text, ""
    guess = _guess(data)  # slow: only when nothing else reads the bytes
    text = _decoded(data, guess) if guess else None
    return (text, "") if text is not None else (None, UNKNOWN_ENCODING)


def _decoded(data: bytes, encoding: str) -> str | None:
    """The bytes read in ``encoding``, or ``None`` when it fails, names no character
    set, or gives a string that is not Unicode text (lone surrogates, as UTF-7 can)."""
    try:
        if codecs.lookup(encoding).name in _NOT_CHARSETS:
            return None
        text = data.decode(encoding)
    except (UnicodeError, LookupError, ValueError):  # "undefined" raises bare UnicodeError
        return None
    return None if _SURROGATE.search(text) else text


def _guess(data: bytes) -> str | None:
    """charset-normalizer's best encoding when it is confident, else ``None``.

    On short, mostly-ASCII text several single-byte code pages read equally
    well and the winner is close to arbitrary (cp775 for English); for
    Western European languages windows-1252, by far the commonest, wins then.
    """
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > _MAX_CHAOS or best.coherence < _MIN_COHERENCE:
        return None
    if best.language in _WESTERN:
        clean = {m.encoding for m in matches if m.chaos <= best.chaos}
        clean.update(best.could_be_from_charset)
        for name in _PREFERRED:
            if name in clean and _decodes(data, name):
                return name
    return best.encoding


def _decodes(data: bytes, encoding: str) -> bool:
    return _decoded(data, encoding) is not None


def html_charset(data: bytes, content_type: str = "") -> str | None:
    """The charset an HTML page declares: HTTP ``Content-Type`` first, then ``<meta>``."""
    found = _HEADER_CHARSET.search(content_type)
    if found:
        return found.group(1)
    meta = _META_CHARSET.search(data[:4096])
    return meta.group(1).decode("ascii", "replace") if meta else None
