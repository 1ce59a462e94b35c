"""`briefgen site` (commands/site/): only what the markings allow reaches the site, every link of it
leads somewhere, its pages pass the HTML accessibility checks, its feed is Atom, and `serve --site`
shows it. The site is written once for the module, from the minimal fixture with a FOUO block."""

import gzip
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, copy_fixture

from briefgen.build import BuildOptions, build
from briefgen.build.accessibility.html import axe_available, check_html_pages
from briefgen.cli import main
from briefgen.commands.site import write_site
from briefgen.commands.site.plan import plan_site
from briefgen.commands.site.static import SiteServer
from briefgen.document.workspace import open_workspace

SECRETS = ("Zanzibarcodeword", "Quetzalfootnote", "zz-secret-map")  # the FOUO block's words, note, picture
MARKINGS = """markings:
  - id: public
    banner: ""
    portion: U
  - id: fouo
    banner: FOR OFFICIAL USE ONLY
    portion: FOUO
site:
  title: Test briefs
  base_url: https://briefs.example.org/unit
  max_marking: public
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#333"/></svg>'


def marked_workspace(root: Path) -> Path:
    """The minimal fixture, with levels and a risk block marked FOUO that boss and reader receive."""
    config = root / "briefgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + MARKINGS, encoding="utf-8")
    audiences = root / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace("  marking: INTERNAL USE\n", ""), "utf-8")
    (root / "briefs/demo/figures").mkdir(exist_ok=True)
    (root / "briefs/demo/figures/zz-secret-map.svg").write_text(SVG, encoding="utf-8")
    (root / "briefs/demo/blocks/secret.yaml").write_text(
        "section: risks\ntitle: Held back\norder: 5\nstatus: approved\nkind: risk\nlikelihood: low\nimpact: low\n"
        "mitigation: Watch.\nmarking: fouo\nsummary: Zanzibarcodeword summary.\n"
        "body: |\n  Zanzibarcodeword in full.[^q]\n\n"
        '  ![A small map](figures/zz-secret-map.svg){#fig-secret fig-alt="A grey box"}\n\n'
        "  [^q]: Quetzalfootnote.\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, object]:
    root = marked_workspace(copy_fixture("minimal", tmp_path_factory.mktemp("site")))
    return root, write_site(root)


def test_the_plan_publishes_only_audiences_at_or_below_the_ceiling(site):
    root, result = site
    assert result.published == [("demo", "public")]
    assert [(x.brief, x.audience, x.reason) for x in result.left_out] == [
        (
            "demo",
            audience,
            "it holds blocks marked fouo (banner FOR OFFICIAL USE ONLY), above what the site publishes "
            "(site: max_marking: public)",
        )
        for audience in ("boss", "reader")
    ]
    # written outside the site, and said as the command says it
    assert result.report == root / "dist" / "site-left-out.txt"
    assert result.report.read_text(encoding="utf-8").splitlines() == [x.line() for x in result.left_out]


def _every_byte(folder: Path):
    for path in folder.rglob("*"):
        yield path.relative_to(folder).as_posix().encode()
        if path.is_file():
            data = path.read_bytes()
            yield data
            if data[:2] == b"\x1f\x8b":  # Pagefind's index and fragments are gzip-compressed
                yield gzip.decompress(data)


def test_no_byte_of_a_held_back_block_is_anywhere_in_the_site(site, tmp_path: Path):
    root, result = site
    assert (result.folder / "pagefind").is_dir(), result.search  # the search index was written, and checked
    for chunk in _every_byte(result.folder):
        for secret in SECRETS:
            assert secret.encode() not in chunk and secret.lower().encode() not in chunk.lower()
    # the words are there to be found: the audience that receives the block reads them
    build(root, BuildOptions("demo", ("reader",), formats=("html",), out_dir=tmp_path))
    built = (tmp_path / "demo" / "demo-reader.html").read_text(encoding="utf-8")
    assert all(secret in built for secret in SECRETS[:2]) and "zz-secret-map" not in built  # the map is inlined


def test_the_published_brief_is_the_html_the_build_wrote_with_its_downloads(site):
    root, result = site
    page = (result.folder / "demo" / "public" / "index.html").read_text(encoding="utf-8")
    built = (root / "dist/demo/demo-public.html").read_text(encoding="utf-8")
    links = (
        '\n<nav class="site-links" aria-label="Site" data-pagefind-ignore="all">'
        '<span hidden data-pagefind-meta="title:Demo brief, for General public"></span>'
        '<a href="../index.html">Demo brief: every audience, downloads and versions</a> | '
        '<a href="../../index.html">All briefs</a></nav>'
    )
    at = built.index(">", built.index("<body")) + 1
    assert page == built[:at] + links + built[at:]  # the build's page, with a way back and nothing else
    for name in ("demo-public.pdf", "demo-public.docx"):
        assert (result.folder / "demo" / "public" / name).read_bytes() == (root / "dist/demo" / name).read_bytes()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.ids.update(v for k, v in attrs if k in ("id", "name") and v)
        self.links += [values[key] for key in ("href", "src") if values.get(key)]


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_of_every_page_leads_somewhere(site):
    _, result = site
    pages = sorted(result.folder.rglob("*.html"))
    assert [p.relative_to(result.folder).as_posix() for p in pages] == [
        "demo/index.html",
        "demo/public/index.html",
        "index.html",
    ]
    walked = 0
    for page in pages:
        for link in _parse(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto", "data"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file() and result.folder in target.parents, f"{page}: {link}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in _parse(target).ids, f"{page}: {link}"
            walked += 1
    assert walked > 10


def test_every_page_passes_the_accessibility_checks(site):
    _, result = site
    pages = [
        result.folder / "index.html",
        result.folder / "demo" / "index.html",
        result.folder / "demo/public/index.html",
    ]
    findings = check_html_pages(pages, with_axe=axe_available() is None)
    assert {page: [f.message for f in found] for page, found in findings.items()} == {page: [] for page in pages}


def test_the_feed_is_atom_with_absolute_links(site):
    _, result = site
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(result.folder / "feed.xml").getroot()
    assert feed.tag == f"{atom}feed" and feed.findtext(f"{atom}title") == "Test briefs"
    assert feed.findtext(f"{atom}id") == "https://briefs.example.org/unit/"
    (entry,) = feed.findall(f"{atom}entry")
    assert entry.find(f"{atom}link").get("href") == "https://briefs.example.org/unit/demo/index.html"
    assert entry.findtext(f"{atom}updated").endswith("T00:00:00Z")


def test_serve_site_answers_local_names_only(site):
    _, result = site
    server = SiteServer(result.folder, "127.0.0.1", 0).start()
    try:
        with urllib.request.urlopen(server.url + "index.html", timeout=30) as answer:
            assert b"Test briefs" in answer.read()
        request = urllib.request.Request(server.url + "index.html", headers={"Host": "evil.example:80"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 421
    finally:
        server.stop()


def test_without_levels_a_marked_audience_is_left_out(minimal: Path):
    ws, _ = open_workspace(minimal)
    published, left_out = plan_site(ws)
    assert [(p.brief.id, p.audience.id) for p in published] == [("demo", "reader"), ("demo", "public")]
    assert [x.line() for x in left_out] == [
        "demo for boss: it is marked 'INTERNAL USE' (audiences.yaml) and briefgen.yaml defines no marking levels to "
        "weigh that against; define markings: and site: max_marking: to publish it"
    ]


def test_a_max_marking_that_is_no_level_is_an_error_at_its_line(tmp_path: Path, monkeypatch, capsys):
    root = marked_workspace(copy_fixture("minimal", tmp_path))
    config = root / "briefgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("max_marking: public", "max_marking: pubic"), "utf-8")
    monkeypatch.setattr("sys.argv", ["briefgen", "-w", str(root), "site", "--json"])
    with pytest.raises(SystemExit) as ended:
        main()
    data = json.loads(capsys.readouterr().out)
    assert ended.value.code == 1 and data["result"] is None
    (problem,) = [p for p in data["problems"] if p["severity"] == "error"]
    assert problem == {
        "severity": "error",
        "code": "marking.unknown",
        "message": "site max_marking 'pubic' is not one of briefgen.yaml's markings (did you mean 'public'?); "
        "use one of: public, fouo",
        "path": "briefgen.yaml",
        "line": 13,
        "column": 16,
    }


def test_a_folder_briefgen_did_not_write_is_never_replaced(minimal: Path, tmp_path: Path, monkeypatch, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["briefgen", "-w", str(minimal), "site", "-o", str(mine)])
    with pytest.raises(SystemExit) as ended:
        main()
    assert ended.value.code == 2
    assert capsys.readouterr().err == (
        f"Error: {mine} exists and was not written by briefgen site, so it is not replaced; choose another folder "
        "with -o, or move it away\n"
    )
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_readme_documents_the_site_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`briefgen site" in readme and "max_marking" in readme and "## Publishing" in readme


def test_an_empty_folder_is_taken_and_publishing_nothing_is_said(minimal: Path, tmp_path: Path, monkeypatch, capsys):
    audiences = minimal / "audiences.yaml"  # every audience marked: nothing may be published
    text = audiences.read_text(encoding="utf-8")
    audiences.write_text(
        text.replace("reader:\n", "reader:\n  marking: SECRET\n").replace("public:\n", "public:\n  marking: SECRET\n"),
        encoding="utf-8",
    )
    empty = tmp_path / "public-site"
    empty.mkdir()
    monkeypatch.setattr("sys.argv", ["briefgen", "-w", str(minimal), "site", "-o", str(empty), "--no-search"])
    with pytest.raises(SystemExit) as ended:
        main()
    out, err = capsys.readouterr()
    assert ended.value.code == 0
    assert "warning: no brief was published: every audience's brief is left out (above)\n" in err
    assert out.startswith(f"wrote the site in {empty}: 0 briefs, 0 audience pages; 3 left out (listed in ")
    assert "No brief is published yet." in (empty / "index.html").read_text(encoding="utf-8")
    assert not (empty / "demo").exists()
