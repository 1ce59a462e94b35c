"""A returned DOCX built to exhaust memory or time is refused while it streams, naming the part and the limit.

Each hostile file is made here with zipfile from a real build: a few hundred KB that unpack to tens
or hundreds of MB, parts nested 100,000 deep, more parts than a brief has. Memory is measured in a
child process running the real command (`ru_maxrss` of the children of a small wrapper).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_review_docx import W, built  # noqa: F401

from briefgen.cli import cli

FIX = "review reads the DOCX briefgen built, as Word or LibreOffice saved it"
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
TAIL = b"</w:body></w:document>"


def replaced(docx: Path, out: Path, parts: dict[str, bytes]) -> Path:
    """The DOCX with some parts replaced or added, compressed as Word compresses them."""
    with zipfile.ZipFile(docx) as z:
        kept = {name: z.read(name) for name in z.namelist()}
    kept.update(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in kept.items():
            z.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out


def paragraphs_bomb(docx: Path, out: Path, megabytes: int = 20) -> Path:
    """Megabytes of empty paragraphs (20 MB: 3.5 million elements) in a file of tens of KB."""
    return replaced(docx, out, {"word/document.xml": HEAD + b"<w:p/>" * (megabytes * 1024 * 1024 // 6) + TAIL})


def whitespace_bomb(docx: Path, out: Path) -> Path:
    return replaced(docx, out, {"word/document.xml": b" " * (190 * 1024 * 1024)})


def within_limits(docx: Path, out: Path) -> Path:
    """Close to every limit and costly for each byte: 16 MB of inserted text, each paragraph with an emoji."""
    paragraph = ('<w:p><w:ins w:author="a"><w:r><w:t>\U0001f600' + "x" * 8000 + "</w:t></w:r></w:ins></w:p>").encode()
    return replaced(docx, out, {"word/document.xml": HEAD + paragraph * (16_000_000 // len(paragraph)) + TAIL})


def review(ws: Path, docx: Path):
    return CliRunner().invoke(cli, ["-w", str(ws), "review", str(docx)])


def test_a_docx_holding_20_mb_of_empty_paragraphs_is_refused_fast(built, tmp_path: Path):  # noqa: F811
    """20 MB passes the size of a part; 12 MB (two million paragraphs) the elements a part may hold."""
    ws, docx = built
    bomb, smaller = paragraphs_bomb(docx, tmp_path / "bomb.docx"), paragraphs_bomb(docx, tmp_path / "12.docx", 12)
    assert bomb.stat().st_size < 400_000 and smaller.stat().st_size < 400_000
    started = time.monotonic()
    result, second = review(ws, bomb), review(ws, smaller)
    assert time.monotonic() - started < 15  # 20 MB took 30 s and 1.9 GB before
    assert (result.exit_code, second.exit_code) == (1, 1)
    assert (
        result.output == f"Error: {bomb}: word/document.xml unpacks to more than the limit of 16 MiB per part; {FIX}\n"
    )
    assert second.output == (
        f"Error: {smaller}: word/document.xml has more than the limit of 250,000 XML elements and attributes "
        f"per part; {FIX}\n"
    )


def test_a_190_mb_whitespace_part_is_refused_by_its_size(built, tmp_path: Path):  # noqa: F811
    ws, docx = built
    bomb = whitespace_bomb(docx, tmp_path / "bomb.docx")
    result = review(ws, bomb)
    assert result.exit_code == 1
    assert (
        result.output == f"Error: {bomb}: word/document.xml unpacks to more than the limit of 16 MiB per part; {FIX}\n"
    )


def test_parts_within_the_limit_each_are_refused_together(built, tmp_path: Path):  # noqa: F811
    """Each part is under 16 MiB, but the bytes read are counted across parts as they stream."""
    ws, docx = built
    text = b"<w:t>" + b"x" * 5_000_000 + b"</w:t>"
    notes = b'<w:footnotes xmlns:w="%s"><w:footnote w:id="1"><w:p><w:r>' % W.encode()
    bomb = replaced(
        docx,
        tmp_path / "bomb.docx",
        {
            "word/document.xml": HEAD + b"<w:p><w:r>" + text * 3 + b"</w:r></w:p>" + TAIL,
            "word/footnotes.xml": notes + text * 3 + b"</w:r></w:p></w:footnote></w:footnotes>",
        },
    )
    result = review(ws, bomb)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {bomb}: word/footnotes.xml: the XML parts unpack to more than the limit of 24 MiB together; {FIX}\n"
    )


def test_a_part_nested_100000_deep_is_refused_without_a_recursion_error(built, tmp_path: Path):  # noqa: F811
    ws, docx = built
    deep = HEAD + b"<w:p>" * 100_000 + b"</w:p>" * 100_000 + TAIL
    bomb = replaced(docx, tmp_path / "deep.docx", {"word/document.xml": deep})
    result = review(ws, bomb)
    assert result.exit_code == 1
    assert result.output == f"Error: {bomb}: word/document.xml nests elements more than 100 deep, the limit; {FIX}\n"
    assert not isinstance(result.exception, RecursionError)


def test_a_docx_of_more_than_1000_parts_is_refused(built, tmp_path: Path):  # noqa: F811
    ws, docx = built
    bomb = replaced(docx, tmp_path / "parts.docx", {f"word/media/empty{n}.bin": b"" for n in range(1000)})
    result = review(ws, bomb)
    assert result.exit_code == 1
    with zipfile.ZipFile(bomb) as z:
        count = len(z.namelist())
    assert result.output == f"Error: {bomb}: it holds {count:,} parts, more than the limit of 1,000; {FIX}\n"


WRAPPER = """
import json, resource, subprocess, sys
codes = [subprocess.run(command, capture_output=True).returncode for command in json.loads(sys.argv[1])]
print(json.dumps([codes, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))
"""


@pytest.mark.slow
def test_review_stays_under_500_mb_for_bombs_and_for_a_file_close_to_every_limit(built, tmp_path: Path):  # noqa: F811
    ws, docx = built
    files = [
        paragraphs_bomb(docx, tmp_path / "paragraphs.docx"),
        whitespace_bomb(docx, tmp_path / "whitespace.docx"),
        within_limits(docx, tmp_path / "within.docx"),
    ]
    commands = [[sys.executable, "-m", "briefgen", "-w", str(ws), "review", str(f)] for f in files]
    run = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(commands)], capture_output=True, timeout=300)
    codes, peak_kb = json.loads(run.stdout)
    assert codes == [1, 1, 0]  # the last one is read and reported
    assert peak_kb < 500 * 1024, f"peak {peak_kb // 1024} MB"


def test_a_zip_directory_over_1_mib_is_refused_before_zipfile_reads_it(built, tmp_path: Path):  # noqa: F811
    """Long part names make a directory `zipfile` would hold in memory whole: its size is read from the end record."""
    ws, docx = built
    bomb = replaced(docx, tmp_path / "names.docx", {f"word/{n:04}{'x' * 1200}.bin": b"" for n in range(900)})
    with zipfile.ZipFile(bomb) as z:
        size = sum(46 + len(i.filename.encode()) + len(i.extra) + len(i.comment) for i in z.infolist())
    result = review(ws, bomb)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {bomb}: its zip directory takes {size:,} bytes, more than the limit of 1 MiB; {FIX}\n"
    )


@pytest.mark.parametrize("document", [HEAD + b"<w:p>", HEAD + b"&x;" + TAIL, HEAD + b"\x0b" + TAIL])
def test_a_main_part_that_is_not_xml_is_named_as_damaged_not_missing(built, tmp_path: Path, document: bytes):  # noqa: F811
    ws, docx = built
    result = review(ws, replaced(docx, tmp_path / "broken.docx", {"word/document.xml": document}))
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"Error: {tmp_path / 'broken.docx'}: its main document part (word/document.xml) is not well-formed XML; "
        "open the file in Word or LibreOffice, save it again and review that copy"
    )
