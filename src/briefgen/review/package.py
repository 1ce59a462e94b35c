"""Opening a returned DOCX within limits: a reviewer's file may be built to exhaust memory or time.

A zip can unpack a few kilobytes into gigabytes, and XML can nest without end or hold millions of
elements. Nothing is trusted from the zip's own headers: its directory is sized before `zipfile`
reads it, each part's decompressed bytes are counted as they stream, and its elements and their
depth are counted as the parser meets them, so a file is stopped at the limit, never after
unpacking it. Each limit is far beyond what a brief needs (the analyst brief's main part is
100 KB, 7,000 elements and attributes, 14 levels deep) and together they keep `briefgen review`
under 500 MB for any input.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from briefgen.errors import BriefgenError, UsageError

MiB = 1024 * 1024
MAX_DIRECTORY_BYTES = 1 * MiB  # the zip's table of contents; a brief's DOCX needs about 2 KB
MAX_PARTS = 1_000  # files in the zip; a brief's DOCX has about 25
MAX_PART_BYTES = 16 * MiB  # one XML part, unpacked; the analyst brief's main part has 100 KB
MAX_XML_BYTES = 24 * MiB  # every XML part review reads, together
MAX_PART_NODES = 250_000  # elements and attributes of one XML part; the analyst brief's has 7,000
MAX_XML_NODES = 400_000  # elements and attributes of every XML part review reads, together
MAX_DEPTH = 100  # elements inside one another
CHUNK = 64 * 1024
_EOCD = b"PK\x05\x06"  # end of central directory record
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_FIX = "review reads the DOCX briefgen built, as Word or LibreOffice saved it"


class DocxPackage(zipfile.ZipFile):
    """A DOCX opened for review; it keeps what its XML parts have spent of the limits together."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.spent_bytes = 0
        self.spent_nodes = 0


def open_docx(path: Path) -> DocxPackage:
    """The DOCX as a zip: UsageError when it is not one, BriefgenError when its directory or parts pass the limits."""
    try:
        with open(path, "rb") as handle:
            directory = _directory_size(handle)
        if directory > MAX_DIRECTORY_BYTES:
            raise BriefgenError(
                f"{path}: its zip directory takes {directory:,} bytes, more than the limit of "
                f"{MAX_DIRECTORY_BYTES // MiB} MiB; {_FIX}"
            )
        package = DocxPackage(path)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, struct.error) as error:
        raise UsageError(f"{path} is not a readable DOCX ({error})") from None
    if len(package.infolist()) > MAX_PARTS:
        count = len(package.infolist())
        package.close()
        raise BriefgenError(f"{path}: it holds {count:,} parts, more than the limit of {MAX_PARTS:,}; {_FIX}")
    return package


def _directory_size(handle) -> int:
    """The size of the zip's central directory as its end records state it (the size `zipfile` will read)."""
    handle.seek(0, 2)
    size = handle.tell()
    span = min(size, 22 + 0xFFFF + 76)  # the end record, its longest comment, and a zip64 record before it
    handle.seek(size - span)
    tail = handle.read(span)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return 0  # not a zip: zipfile says so
    (directory,) = struct.unpack("<I", tail[at + 12 : at + 16])
    if at >= 76 and tail[at - 20 : at - 16] == _EOCD64_LOCATOR and tail[at - 76 : at - 72] == _EOCD64:
        (directory,) = struct.unpack("<Q", tail[at - 36 : at - 28])  # zipfile takes the zip64 record's size
    return directory


def parse_part(package: zipfile.ZipFile, name: str) -> etree._Element:
    """One XML part, parsed while it streams, without entities, DTDs or network, within the limits.

    KeyError when the package has no such part, XMLSyntaxError when it is not well-formed XML,
    BriefgenError (a content error, exit 1) when it passes a limit, declares a document type or cannot
    be unpacked.
    """
    info = package.getinfo(name)
    where = f"{package.filename}: {name}"
    if info.file_size > MAX_PART_BYTES:  # the header may lie the other way: bytes are counted as they come
        raise BriefgenError(f"{where} unpacks to more than the limit of {MAX_PART_BYTES // MiB} MiB per part; {_FIX}")
    parser = etree.XMLPullParser(
        events=("start", "end", "start-ns"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    counter = _Counter(package, where)
    try:
        with package.open(info) as stream:
            while chunk := stream.read(CHUNK):
                counter.add_bytes(len(chunk))
                try:
                    parser.feed(chunk)
                finally:
                    counter.read(parser)
        try:
            return parser.close()
        finally:
            counter.read(parser)
    except etree.XMLSyntaxError as error:
        message = str(error)
        if "Resource limit exceeded" in message or "Excessive depth" in message:
            raise BriefgenError(f"{where} passes a limit of the XML reader ({message.split(',')[0]}); {_FIX}") from None
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as error:
        raise BriefgenError(f"{where} cannot be unpacked ({error}); the file is damaged: save it again") from None


class _Counter:
    """Bytes, nodes (elements, attributes, namespace declarations) and depth of one part as it streams.

    The package's totals are kept on a `DocxPackage`. Comments and processing instructions are
    dropped by the parser, text sits between elements, and a document type (whose entities
    would each be a node) is refused at the first element, so these counts bound the tree.
    """

    def __init__(self, package: zipfile.ZipFile, where: str) -> None:
        self.package = package
        self.where = where
        self.bytes = 0
        self.nodes = 0
        self.depth = 0
        self.started = False

    def add_bytes(self, count: int) -> None:
        self.bytes += count
        if self.bytes > MAX_PART_BYTES:
            raise BriefgenError(
                f"{self.where} unpacks to more than the limit of {MAX_PART_BYTES // MiB} MiB per part; {_FIX}"
            )
        if not self.started and self.bytes > CHUNK:
            raise BriefgenError(f"{self.where} has more than {CHUNK // 1024} KB before its first element; {_FIX}")
        if isinstance(self.package, DocxPackage):
            self.package.spent_bytes += count
            if self.package.spent_bytes > MAX_XML_BYTES:
                raise BriefgenError(
                    f"{self.where}: the XML parts unpack to more than the limit of {MAX_XML_BYTES // MiB} MiB "
                    f"together; {_FIX}"
                )

    def read(self, parser: etree.XMLPullParser) -> None:
        """Count what the parser met since the last call; refuse when a limit is passed."""
        nodes = 0
        for event, item in parser.read_events():
            if event == "start":
                if not self.started:
                    self.started = True
                    if item.getroottree().docinfo.doctype:
                        raise BriefgenError(
                            f"{self.where} declares a document type (<!DOCTYPE>), which a DOCX may not have; {_FIX}"
                        )
                nodes += 1 + len(item.attrib)
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise BriefgenError(f"{self.where} nests elements more than {MAX_DEPTH} deep, the limit; {_FIX}")
            elif event == "end":
                self.depth -= 1
            else:
                nodes += 1  # a namespace declaration
        self.nodes += nodes
        if self.nodes > MAX_PART_NODES:
            raise BriefgenError(
                f"{self.where} has more than the limit of {MAX_PART_NODES:,} XML elements and attributes per part; "
                f"{_FIX}"
            )
        if isinstance(self.package, DocxPackage):
            self.package.spent_nodes += nodes
            if self.package.spent_nodes > MAX_XML_NODES:
                raise BriefgenError(
                    f"{self.where}: the XML parts hold more than the limit of {MAX_XML_NODES:,} elements and "
                    f"attributes together; {_FIX}"
                )
