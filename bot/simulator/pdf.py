"""A minimal, valid PDF 1.4 writer: one or more pages of Helvetica text, with a correct xref.

Enough for a log entry's export (title + "field: value" lines); no dependency needed.
"""

from __future__ import annotations

_LINES_PER_PAGE = 48
_LEADING = 15


def _escape(text: str) -> str:
    latin = text.encode("latin-1", "replace").decode("latin-1")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(line: str, width: int = 95) -> list[str]:
    return [line[i : i + width] for i in range(0, len(line), width)] or [""]


def _content(title: str, lines: list[str]) -> bytes:
    ops = ["BT", "/F2 14 Tf", "50 800 Td", f"({_escape(title)}) Tj", "/F1 10 Tf", f"0 -{24} Td"]
    for n, line in enumerate(lines):
        if n:
            ops.append(f"0 -{_LEADING} Td")
        ops.append(f"({_escape(line)}) Tj")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def render_pdf(title: str, lines: list[str]) -> bytes:
    """A PDF whose pages show `title` and then each line (long lines wrapped)."""
    wrapped = [part for line in lines for part in _wrap(line)]
    pages = [wrapped[i : i + _LINES_PER_PAGE] for i in range(0, len(wrapped), _LINES_PER_PAGE)]
    pages = pages or [[]]
    first_page = 5  # objects: 1 catalog, 2 pages, 3 and 4 fonts, then (page, content) pairs
    kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for n, page_lines in enumerate(pages):
        stream = _content(title if n == 0 else f"{title} (continued)", page_lines)
        contents = first_page + 2 * n + 1
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {contents} 0 R "
            "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
        )
        objects.append(page.encode())
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
