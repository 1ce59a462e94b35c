"""`briefgen review`: a DOCX built by briefgen, commented and changed as Word stores it, traced back to YAML.

The edits are made in the XML the way Word writes them (comments part, commentRangeStart/End,
w:ins and w:del runs, split runs), then LibreOffice re-saves the file as a second editor. Expected
positions are computed from the YAML text here, never by briefgen's own code.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import copy_fixture, copy_repo_workspace, shared
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from readers import libreoffice_convert

from briefgen.build import BuildOptions, build
from briefgen.build.parity import compare
from briefgen.cli import cli
from briefgen.errors import BriefgenError
from briefgen.review import apply_review, format_application, format_text, review_docx, review_json

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
NS = {"w": W}
DATE = "2024-05-02T10:00:00Z"
SCREWS = "briefs/japan-russia/blocks/turn-the-screws.yaml"
TALKS = "briefs/japan-russia/blocks/talks-suspended-2022.yaml"


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{ {'w': W, 'w14': W14, 'w15': W15}[prefix] }}}{name}"


def position(workspace: Path, path: str, line_text: str, words: str) -> str:
    """`path:line:col` of `words` on the first line of the file that contains `line_text`."""
    for number, line in enumerate((workspace / path).read_text(encoding="utf-8").split("\n"), start=1):
        if line_text in line:
            return f"{path}:{number}:{line.index(words) + 1}"
    raise AssertionError(f"{line_text!r} not in {path}")


# ---------------------------------------------------------------- a workspace and its build


@pytest.fixture(scope=shared("module"))
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the default workspace and its analyst DOCX, built once."""
    workspace = copy_repo_workspace(tmp_path_factory.mktemp("ws") / "ws")
    out = workspace / "out"
    build(workspace, BuildOptions(audiences=("analyst",), formats=("docx",), out_dir=out))
    return workspace, out / "japan-russia" / "japan-russia-analyst.docx"


@pytest.fixture
def workspace(built, tmp_path: Path) -> Path:
    """A private copy of the built workspace a test may change."""
    target = tmp_path / "ws"
    shutil.copytree(built[0], target)
    return target


# ---------------------------------------------------------------- editing as Word stores edits


class WordEditor:
    """Edits a DOCX's XML as Word saves a reviewer's work."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        self.comments: list[etree._Element] = []
        self.extended: list[etree._Element] = []
        self.next_id = 9000

    def run_with(self, text: str) -> etree._Element:
        """The (only) run whose text contains `text`."""
        found = [t.getparent() for t in self.doc.iter(q("w:t")) if text in (t.text or "")]
        assert len(found) == 1, (text, len(found))
        return found[0]

    def split(self, text: str, at: str, cut: int | None = None) -> tuple[etree._Element, etree._Element]:
        """Split the run holding `text` before `at` (or at offset `cut`), as Word does when it adds an rsid."""
        run = self.run_with(text)
        t = run.find("w:t", NS)
        whole = t.text or ""
        cut = whole.index(at) if cut is None else cut
        second = copy.deepcopy(run)
        t.text = whole[:cut]
        second.find("w:t", NS).text = whole[cut:]
        run.set(q("w:rsidR"), "00A1B2C3")
        second.set(q("w:rsidR"), "00D4E5F6")
        run.addnext(second)
        return run, second

    def isolate(self, text: str, words: str) -> etree._Element:
        """A run holding exactly `words`, split out of the run that has `text`."""
        run = self.run_with(text)
        if not run.find("w:t", NS).text.startswith(words):
            _, run = self.split(text, words)
        rest = run.find("w:t", NS).text[len(words) :]
        if rest:
            run, _ = self.split(run.find("w:t", NS).text, rest)
        assert run.find("w:t", NS).text == words
        return run

    def delete(self, text: str, words: str, author: str) -> None:
        run = self.isolate(text, words)
        t = run.find("w:t", NS)
        t.tag = q("w:delText")
        wrapper = etree.Element(q("w:del"), {q("w:id"): self.id(), q("w:author"): author, q("w:date"): DATE})
        run.addprevious(wrapper)
        wrapper.append(run)

    def insert_after(self, text: str, after: str, words: str, author: str) -> None:
        """A tracked insertion of `words` right after `after` in the run holding `text`."""
        run = self.run_with(text)
        t = run.find("w:t", NS)
        if not (t.text or "").endswith(after):
            run, _ = self.split(text, "", t.text.index(after) + len(after))
        new = copy.deepcopy(run)
        for el in list(new):
            if el.tag != q("w:rPr"):
                new.remove(el)
        nt = etree.SubElement(new, q("w:t"))
        nt.text = words
        nt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        wrapper = etree.Element(q("w:ins"), {q("w:id"): self.id(), q("w:author"): author, q("w:date"): DATE})
        wrapper.append(new)
        run.addnext(wrapper)

    def add_paragraph_after(self, text: str, words: str, author: str) -> None:
        """A new paragraph typed with track changes on, after the paragraph holding `text`."""
        paragraph = self.run_with(text).getparent()
        mark = {q("w:id"): self.id(), q("w:author"): author, q("w:date"): DATE}
        new = etree.fromstring(
            f'<w:p xmlns:w="{W}"><w:pPr><w:pStyle w:val="BodyText"/><w:rPr><w:ins w:id="{mark[q("w:id")]}" '
            f'w:author="{author}" w:date="{DATE}"/></w:rPr></w:pPr><w:ins w:id="{self.id()}" w:author="{author}" '
            f'w:date="{DATE}"><w:r><w:t xml:space="preserve">{words}</w:t></w:r></w:ins></w:p>'
        )
        paragraph.addnext(new)

    def comment(self, text: str, words: str, author: str, says: str, parent: str | None = None) -> str:
        """A comment on `words` (isolated into their own run), with its reference run, as Word writes it."""
        run = self.isolate(text, words)
        cid = self.id()
        run.addprevious(etree.Element(q("w:commentRangeStart"), {q("w:id"): cid}))
        end = etree.Element(q("w:commentRangeEnd"), {q("w:id"): cid})
        run.addnext(end)
        reference = etree.fromstring(
            f'<w:r xmlns:w="{W}"><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
            f'<w:commentReference w:id="{cid}"/></w:r>'
        )
        end.addnext(reference)
        self.add_comment(cid, author, says, parent)
        return cid

    def reply(self, to: str, author: str, says: str) -> None:
        """A reply: Word anchors it on the parent's range and links it in commentsExtended.xml."""
        cid = self.id()
        start = self.doc.find(f".//w:commentRangeStart[@w:id='{to}']", NS)
        end = self.doc.find(f".//w:commentRangeEnd[@w:id='{to}']", NS)
        start.addnext(etree.Element(q("w:commentRangeStart"), {q("w:id"): cid}))
        reply_end = etree.Element(q("w:commentRangeEnd"), {q("w:id"): cid})
        end.addnext(reply_end)
        reply_end.addnext(
            etree.fromstring(
                f'<w:r xmlns:w="{W}"><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                f'<w:commentReference w:id="{cid}"/></w:r>'
            )
        )
        self.add_comment(cid, author, says, to)

    def add_comment(self, cid: str, author: str, says: str, parent: str | None) -> None:
        para_id = f"{int(cid):08X}"
        self.comments.append(
            etree.fromstring(
                f'<w:comment xmlns:w="{W}" xmlns:w14="{W14}" w:id="{cid}" w:author="{author}" w:date="{DATE}" '
                f'w:initials="{author[:2]}"><w:p w14:paraId="{para_id}"><w:r><w:t>{says}</w:t></w:r></w:p></w:comment>'
            )
        )
        attrs = {q("w15:paraId"): para_id, q("w15:done"): "0"}
        if parent is not None:
            attrs[q("w15:paraIdParent")] = f"{int(parent):08X}"
        self.extended.append(etree.Element(q("w15:commentEx"), attrs))

    def id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def save(self, path: Path) -> Path:
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(self.doc, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.comments:
            root = etree.Element(q("w:comments"), nsmap={"w": W, "w14": W14})
            root.extend(self.comments)
            parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            ext = etree.Element(q("w15:commentsEx"), nsmap={"w15": W15})
            ext.extend(self.extended)
            parts["word/commentsExtended.xml"] = etree.tostring(
                ext, xml_declaration=True, encoding="UTF-8", standalone=True
            )
            rels = parts["word/_rels/document.xml.rels"].decode()
            rels = rels.replace(
                "</Relationships>",
                '<Relationship Id="rIdRv1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'comments" Target="comments.xml"/><Relationship Id="rIdRv2" Type="http://schemas.microsoft.com/'
                'office/2011/relationships/commentsExtended" Target="commentsExtended.xml"/></Relationships>',
            )
            parts["word/_rels/document.xml.rels"] = rels.encode()
            kinds = "application/vnd.openxmlformats-officedocument.wordprocessingml"
            overrides = (
                f'<Override PartName="/word/comments.xml" ContentType="{kinds}.comments+xml"/>'
                f'<Override PartName="/word/commentsExtended.xml" ContentType="{kinds}.commentsExtended+xml"/>'
            )
            types = parts["[Content_Types].xml"].decode().replace("</Types>", overrides + "</Types>")
            parts["[Content_Types].xml"] = types.encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        path.write_bytes(buffer.getvalue())
        return path


def reviewed(docx: Path, out: Path) -> Path:
    """The analyst DOCX with a reviewer's comments and tracked changes in two blocks, and a split run."""
    editor = WordEditor(docx)
    parent = editor.comment(
        "future bargaining power depends", "bargaining power", "Ann Reviewer", "Which kind of power?"
    )
    editor.reply(parent, "Bob Editor", "Negotiating leverage.")
    editor.delete("the freeze need not be permanent", "over time, ", "Ann Reviewer")
    editor.split("This line should be pursued privately.", "Openly tying")
    editor.insert_after("This line should be pursued privately.", "pursued privately", " and patiently", "Bob Editor")
    editor.add_paragraph_after("Openly tying", "A reviewer's new paragraph.", "Ann Reviewer")
    return editor.save(out / "reviewed.docx")


def expected_lines(ws: Path) -> list[str]:
    comment = position(ws, SCREWS, "Japan's future bargaining power", "bargaining power")
    deleted = position(ws, TALKS, "that triggered Moscow's walk-out may, over time", "over time")
    path, line, column = position(ws, SCREWS, "This line should be pursued privately.", "privately").split(":")
    inserted = f"{path}:{line}:{int(column) + len('privately')}"
    return [
        f'{deleted}: change: deleted "over time,"',
        f'{comment}: comment: Ann Reviewer: "Which kind of power?" on "bargaining power"',
        f'{comment}: comment: Bob Editor: "Negotiating leverage." on "bargaining power" (reply to Ann Reviewer)',
        f'{inserted}: change: inserted "and patiently"',
        f'{new_paragraph(ws)}: change: inserted "A reviewer\'s new paragraph."',
    ]


def new_paragraph(ws: Path) -> str:
    """Where a paragraph added after a block's last one goes: the end of that paragraph's last line."""
    lines = (ws / SCREWS).read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if "Moscow may attempt [@fpri-japan-russia]." in line)
    return f"{SCREWS}:{number}:{len(lines[number - 1]) + 1}"


def check_review(ws: Path, docx: Path, replies: bool = True) -> str:
    """The exact review output; `replies=False` for LibreOffice, which drops the link from a reply to its comment."""
    result = CliRunner().invoke(cli, ["-w", str(ws), "review", str(docx)])
    assert result.exit_code == 0, result.output
    talks, screws = expected_lines(ws)[:1], expected_lines(ws)[1:]
    if not replies:
        screws = [line.replace(" (reply to Ann Reviewer)", "") for line in screws]
    assert result.output.splitlines() == [
        *talks,
        f"{TALKS}: proposed body of talks-suspended-2022:",
        "    This brief argues that the freeze need not be permanent. The same sanctions",
        "    that triggered Moscow's walk-out may, [-over time, -]hand Tokyo more bargaining",
        "    power than it ever had during the Abe years [@fpri-japan-russia].",
        *screws,
        f"{SCREWS}: proposed body of turn-the-screws:",
        "    This line should be pursued privately{+ and patiently+}. Openly tying Japan's support for",
        "    sanctions to its territorial aims would invite the very wedge-driving that",
        "    Moscow may attempt [@fpri-japan-russia].{+",
        "",
        "    A reviewer's new paragraph.+}",
        f"{docx}: 2 comments, 3 changes (2 insertions, 1 deletion); 5 placed",
    ]
    return result.output


# ---------------------------------------------------------------- the tests


def test_review_places_word_comments_and_changes_at_yaml_positions(built, tmp_path: Path):
    ws, docx = built
    edited = reviewed(docx, tmp_path)
    output = check_review(ws, edited)
    assert "block changed" not in output
    data = json.loads(CliRunner().invoke(cli, ["-w", str(ws), "review", "--json", str(edited)]).stdout)["result"]
    assert data["summary"] == {
        "comments": 2,
        "changes": 3,
        "unplaced": 0,
        "insertion": 2,
        "deletion": 1,
        "replacement": 0,
        "untracked": 0,
        "formatting": 0,
        "placed": 5,
        "applied": 0,
        "refused": 0,
    }
    assert (data["brief"], data["audience"]) == ("japan-russia", "analyst")
    placed = {f"{i['path']}:{i['line']}:{i['column']}: {i['message']}" for i in data["items"] if i["placed"]}
    assert placed == set(expected_lines(ws))
    first = next(i for i in data["items"] if i["kind"] == "comment")
    assert (first["block"], first["field"], first["anchor"], first["author"]) == (
        "turn-the-screws",
        "body",
        "bargaining power",
        "Ann Reviewer",
    )
    proposals = {p["block"]: p for p in data["proposals"]}
    assert "walk-out may, hand Tokyo" in proposals["talks-suspended-2022"]["text"]
    assert "pursued privately and patiently. Openly" in proposals["turn-the-screws"]["text"]


def test_the_build_record_and_hidden_bookmarks(built):
    _, docx = built
    with zipfile.ZipFile(docx) as z:
        custom = etree.fromstring(z.read("docProps/custom.xml"))
        document = etree.fromstring(z.read("word/document.xml"))
        assert "docProps/custom.xml" in z.read("_rels/.rels").decode()
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert props["briefgen.brief"] == "japan-russia" and props["briefgen.audience"] == "analyst"
    maps = sorted((k for k in props if k.startswith("briefgen.map.")), key=lambda k: int(k.rsplit(".", 1)[1]))
    assert all(len(props[k]) <= 250 for k in maps)
    record = json.loads("".join(props[k] for k in maps))
    assert record["blocks"]["turn-the-screws"][0] == SCREWS
    assert ["turn-the-screws", "body"] in record["anchors"].values()
    assert ["turn-the-screws", "title"] in record["anchors"].values()
    assert ["turn-the-screws", "action"] in record["anchors"].values()
    for start in document.iter(q("w:bookmarkStart")):
        name = start.get(q("w:name"))
        if name.startswith("_bg"):
            assert len(name) <= 40 and name in record["anchors"]
            p = start.getparent()
            assert p.tag == q("w:p") and p[0].tag in (q("w:pPr"), q("w:bookmarkStart"))  # w:pPr stays first
    ends = {e.get(q("w:id")) for e in document.iter(q("w:bookmarkEnd"))}
    starts = [s.get(q("w:id")) for s in document.iter(q("w:bookmarkStart"))]
    assert len(starts) == len(set(starts)) and set(starts) == ends


def soffice_resave(docx: Path, out: Path) -> Path:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out.mkdir(exist_ok=True)
    return libreoffice_convert(docx, out, "docx:MS Word 2007 XML", ".docx")


@pytest.mark.slow
def test_review_survives_a_libreoffice_resave(built, tmp_path: Path):
    ws, docx = built
    edited = reviewed(docx, tmp_path)
    resaved = soffice_resave(edited, tmp_path / "lo")
    with zipfile.ZipFile(resaved) as z:
        assert z.read("word/document.xml") != zipfile.ZipFile(edited).read("word/document.xml")
    check_review(ws, resaved, replies=False)


def test_a_block_changed_since_the_build_is_placed_by_best_match(workspace: Path, built, tmp_path: Path):
    edited = reviewed(built[1], tmp_path)
    screws = workspace / SCREWS
    screws.write_text(
        screws.read_text(encoding="utf-8").replace(
            "body: |\n", "body: |\n  A sentence written after the build went out to reviewers.\n\n"
        ),
        encoding="utf-8",
    )
    result = review_docx(edited, workspace)
    comments = [i for i in result.items if i.kind == "comment"]
    expected = position(workspace, SCREWS, "Japan's future bargaining power", "bargaining power")
    for item in comments:
        assert f"{item.path}:{item.line}:{item.column}" == expected
        assert item.block_changed and 0.5 <= item.confidence <= 1.0
    text = format_text(result)
    assert (
        f'{expected}: comment: Ann Reviewer: "Which kind of power?" on "bargaining power" '
        f"[the block changed since this DOCX was built; placed by best match, confidence "
        f"{comments[0].confidence:.2f}]"
    ) in text.splitlines()
    talks = [i for i in result.items if i.block == "talks-suspended-2022"]
    assert talks and not any(i.block_changed for i in talks)


@pytest.mark.slow
def test_the_built_docx_still_reads_the_same(built, tmp_path: Path):
    """The anchors and the record change nothing a reader sees: parity with the PDF holds, LibreOffice reads it."""
    ws, docx = built
    out = tmp_path / "both"
    build(ws, BuildOptions(audiences=("analyst",), formats=("pdf", "docx"), out_dir=out))
    pdf, word = out / "japan-russia" / "japan-russia-analyst.pdf", out / "japan-russia" / "japan-russia-analyst.docx"
    assert compare(pdf.read_bytes(), word.read_bytes()) == []
    resaved = soffice_resave(word, tmp_path / "lo")
    assert resaved.stat().st_size > 10_000


def test_a_docx_cannot_make_review_read_other_files(built, tmp_path: Path):
    """An external entity in a reviewed DOCX is not resolved: its file's text never reaches the output."""
    ws, docx = built
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    with zipfile.ZipFile(docx) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    head = document.index("?>") + 2
    document = (
        document[:head]
        + f'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file://{secret}">]>'
        + document[head:].replace('<w:t xml:space="preserve">', '<w:t xml:space="preserve">&secret;', 1)
    )
    assert "&secret;" in document
    parts["word/document.xml"] = document.encode("utf-8")
    hostile = tmp_path / "hostile.docx"
    with zipfile.ZipFile(hostile, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    result = CliRunner().invoke(cli, ["-w", str(ws), "review", "--json", str(hostile)])
    assert result.exit_code == 1, result.output  # a DOCX may not declare a document type (OPC): refused unread
    assert result.output == (
        f"Error: {hostile}: word/document.xml declares a document type (<!DOCTYPE>), which a DOCX may not have; "
        "review reads the DOCX briefgen built, as Word or LibreOffice saved it\n"
    )
    assert "TOP-SECRET-MARKER" not in result.output


# ---------------------------------------------------------------- random WordprocessingML mutations

WORDS = st.text(alphabet=st.sampled_from(list("ab yz*_[]@#:\\\"'`<>&\n\t漢ع😀-.")), min_size=1, max_size=12)
VALUES = st.one_of(
    WORDS, st.sampled_from(["", "-1", "0", "99999999999999999999", "_bg1", "_bg2", "_bg99", "fn-1", "Heading1"])
)
MUTATIONS = ["insert", "delete", "drop", "duplicate", "move", "attribute", "comment", "insert", "delete"]


@pytest.fixture(scope=shared("module"))
def minimal_docx(tmp_path_factory) -> tuple[Path, bytes]:
    """The minimal fixture and its reader DOCX, built once (a review of it takes a tenth of a second)."""
    workspace = copy_fixture("minimal", tmp_path_factory.mktemp("min"))
    out = tmp_path_factory.mktemp("minout")
    build(workspace, BuildOptions(audiences=("reader",), formats=("docx",), out_dir=out))
    return workspace, (out / "demo" / "demo-reader.docx").read_bytes()


def mutate(document: etree._Element, data) -> None:
    """One random change of the XML, as a damaged, hostile or unusual editor might leave it."""
    elements = [el for el in document.iter() if el is not document and isinstance(el.tag, str)]
    if not elements:
        return
    pick = st.integers(0, len(elements) - 1)
    el, kind = elements[data.draw(pick)], data.draw(st.sampled_from(MUTATIONS))
    if kind == "drop":
        el.getparent().remove(el)
    elif kind == "duplicate":
        el.addnext(copy.deepcopy(el))
    elif kind == "move":  # after another element anywhere (not inside itself)
        other = elements[data.draw(pick)]
        if other is not el and el not in other.iterancestors():
            other.addnext(el)
    elif kind in ("insert", "delete"):  # a tracked change inside a run's text, as a reviewer types it
        runs = [r for r in document.iter(q("w:r")) if r.find(q("w:t")) is not None and r.getparent() is not None]
        if not runs:
            return
        run = runs[data.draw(st.integers(0, len(runs) - 1))]
        text = "".join(t.text or "" for t in run.findall(q("w:t")))
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        pieces = []
        for part in (text[:start], text[start:end], text[end:]):
            piece = copy.deepcopy(run)
            for t in piece.findall(q("w:t"))[1:]:
                piece.remove(t)
            piece.find(q("w:t")).text = part
            pieces.append(piece)
        change = {q("w:id"): "9901", q("w:author"): "Fuzz", q("w:date"): DATE}
        if kind == "insert":
            ins = etree.Element(q("w:ins"), change)
            etree.SubElement(etree.SubElement(ins, q("w:r")), q("w:t")).text = data.draw(WORDS)
            pieces[1] = ins
        else:
            for t in pieces[1].findall(q("w:t")):
                t.tag = q("w:delText")
            wrapper = etree.Element(q("w:del"), change)
            wrapper.append(pieces[1])
            pieces[1] = wrapper
        for piece in pieces:
            run.addprevious(piece)
        run.getparent().remove(run)
    elif kind == "comment":  # a mark of comment 7 after an element: its range start, its end or its reference
        mark = data.draw(st.sampled_from(["commentRangeStart", "commentRangeEnd", "commentReference"]))
        el.addnext(etree.Element(q(f"w:{mark}"), {q("w:id"): "7"}))
    else:  # an attribute set to a value no editor would write
        el.set(data.draw(st.sampled_from(sorted(el.attrib) or [q("w:val")])), data.draw(VALUES))


def without(data: object, dotted: set[str]) -> object:
    """A block file's data with the fields an edit targeted left out."""
    data = copy.deepcopy(data)
    for name in dotted:
        *path, last = name.split(".")
        target = data
        for key in path:
            target = target.get(key) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target.pop(last, None)
    return data


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@pytest.mark.slow
@given(data=st.data())
def test_random_wordml_mutations_never_crash_and_apply_writes_only_the_targeted_fields(
    minimal_docx, tmp_path: Path, data
):
    """Dropped, duplicated and moved elements, random tracked changes and comment marks, wrong attributes,
    a cut-off part: `review` and `--apply` end with a report or a content error (exit 0 or 1), never a
    traceback, and every block file changes only inside the fields an applied edit targeted."""
    source, built_docx = minimal_docx
    ws = tmp_path / "ws"
    if not ws.exists():
        shutil.copytree(source, ws)
    files = sorted((ws / "briefs").rglob("*.yaml"))
    originals = {p: (source / p.relative_to(ws)).read_bytes() for p in files}
    for path, original in originals.items():  # each example starts from the workspace as built
        path.write_bytes(original)
    (tmp_path / "built.docx").write_bytes(built_docx)
    editor = WordEditor(tmp_path / "built.docx")
    editor.add_comment("7", "Fuzz", "Check this.", None)  # its range and mark land wherever `mutate` puts them
    for _ in range(data.draw(st.integers(1, 4))):
        mutate(editor.doc, data)
    docx = editor.save(tmp_path / "mutated.docx")
    if data.draw(st.sampled_from([False] * 9 + [True])):  # cut off, as a broken download leaves it
        with zipfile.ZipFile(docx) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        xml = parts["word/document.xml"]
        parts["word/document.xml"] = xml[: data.draw(st.integers(0, len(xml)))]
        with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
            for name, content in parts.items():
                z.writestr(name, content)

    targeted: dict[Path, set[str]] = {}
    try:
        review = review_docx(docx, ws)
        format_text(review)
        json.dumps(review_json(review))
        application = apply_review(review)
        format_application(review, application, dry_run=False)
        event("applied edits" if application.applied else "nothing applied")
        for change in application.files:
            targeted.setdefault(change.path.resolve(), set()).update(i.edit.field for i in change.applied if i.edit)
    except BriefgenError as error:  # a damaged DOCX is a content error, reported without a traceback
        assert error.exit_code == 1, error.message
        event("refused as damaged")

    assert sorted((ws / "briefs").rglob("*.yaml")) == files
    for path, original in originals.items():
        now = path.read_bytes()
        if now == original:
            continue
        fields = targeted.get(path.resolve())
        assert fields, f"{path} changed, but no edit targeted it"
        before, after = yaml.safe_load(original), yaml.safe_load(now)
        assert without(after, fields) == without(before, fields), path


def test_a_comment_in_a_document_without_paragraphs_is_listed_unplaced(built, tmp_path: Path):
    """Every paragraph deleted, the comment's marks left: the comment is listed, never a traceback."""
    ws, docx = built
    editor = WordEditor(docx)
    body = editor.doc.find(q("w:body"))
    for child in list(body):
        body.remove(child)
    body.append(etree.Element(q("w:commentRangeStart"), {q("w:id"): "9001"}))
    body.append(etree.Element(q("w:commentRangeEnd"), {q("w:id"): "9001"}))
    editor.add_comment("9001", "Ann Reviewer", "Where did it all go?", None)
    editor.parts["word/footnotes.xml"] = f'<w:footnotes xmlns:w="{W}"/>'.encode()
    empty = editor.save(tmp_path / "empty.docx")
    result = CliRunner().invoke(cli, ["-w", str(ws), "review", str(empty)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        f'{empty}: before the first heading: comment: Ann Reviewer: "Where did it all go?" [in text no block owns]'
    ) in lines
    # everything that was deleted, field by field, is reported too: nothing goes silently
    assert f"{SCREWS}: proposed body of turn-the-screws:" not in lines  # a whole body is not removed by apply
    assert any(line.startswith(f"{SCREWS}:") and "the whole body was deleted" in line for line in lines)
    assert lines[-1].startswith(f"{empty}: 1 comment, ") and "unplaced" in lines[-1]
