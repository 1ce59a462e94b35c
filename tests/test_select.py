"""Selection: which blocks each audience receives, in which order, with which text."""

from pathlib import Path

from conftest import FIXTURES, ROOT

from briefgen.content.richtext import blocks_text
from briefgen.document.select import SelectOptions, audiences_for, select
from briefgen.document.workspace import open_workspace


def documents(root: Path, brief: str, drafts: bool = False):
    ws, _ = open_workspace(root)
    b = ws.briefs[brief]
    return {name: select(b, a, SelectOptions(drafts=drafts)) for name, a in audiences_for(ws, b).items()}


def ids(doc) -> list[tuple[str, list[str]]]:
    return [(s.id, [b.id for b in s.blocks]) for s in doc.sections]


def test_sections_follow_each_audience_order_and_filters():
    docs = documents(FIXTURES / "minimal", "demo")
    assert ids(docs["boss"]) == [
        ("recs", ["rec-quiet", "rec-open"]),
        ("risks", ["risk-high", "risk-mid", "risk-low"]),
        ("context", ["history", "missiles"]),
    ]
    assert ids(docs["public"]) == [("context", ["history", "missiles"]), ("recs", ["rec-open"])]


def test_risks_are_ordered_by_severity_then_impact():
    doc = documents(FIXTURES / "minimal", "demo")["reader"]
    risks = next(s for s in doc.sections if s.id == "risks").blocks
    assert [(b.title, b.fields["likelihood"], b.fields["impact"]) for b in risks] == [
        ("Big risk", "high", "high"),
        ("Middle risk", "medium", "high"),
        ("Small risk", "low", "medium"),
    ]


def test_detail_level_and_variants_choose_the_text():
    docs = documents(FIXTURES / "minimal", "demo")
    boss = {b.id: b for b in docs["boss"].blocks}
    public = {b.id: b for b in docs["public"].blocks}
    reader = {b.id: b for b in docs["reader"].blocks}
    assert blocks_text(boss["rec-open"].content) == "Channels matter."
    assert blocks_text(reader["rec-open"].content) == "Channels matter in full."
    assert blocks_text(public["rec-open"].content) == "A public-facing text about channels."
    assert public["history"].title == "History for everyone"
    assert reader["history"].title == "History"


def test_recommendations_are_numbered_in_reading_order():
    doc = documents(FIXTURES / "minimal", "demo")["public"]
    assert [(r.id, r.number) for r in doc.recommendations] == [("rec-open", 1)]


def test_drafts_only_when_asked_and_the_document_knows():
    plain = documents(FIXTURES / "minimal", "demo")["reader"]
    drafts = documents(FIXTURES / "minimal", "demo", drafts=True)["reader"]
    assert "draft-note" not in [b.id for b in plain.blocks] and not plain.draft
    assert "draft-note" in [b.id for b in drafts.blocks] and drafts.draft


def test_brief_overrides_audience_fields():
    assert documents(FIXTURES / "minimal", "demo")["public"].audience.label == "General public"


def test_default_brief_audiences():
    docs = documents(ROOT, "japan-russia")
    press_blocks = [b.id for b in docs["press"].blocks]
    assert "turn-the-screws" not in press_blocks  # tagged internal
    assert "keep-japan-focused-on-china" in press_blocks
    assert [s.id for s in docs["policymaker"].sections][0] == "recommendations"
    assert docs["policymaker"].bottom_line and not docs["analyst"].bottom_line
    analyst = [s.id for s in docs["analyst"].sections]
    assert analyst == ["background", "abe-approach", "china-factor", "leverage", "risks", "recommendations"]
    kinds = {b.kind for b in docs["analyst"].blocks}
    assert kinds == {"prose", "leverage", "risk", "recommendation"}
    # every block has a real summary and body, and traces back to its file
    for block in docs["analyst"].blocks:
        assert block.source.name == f"{block.id}.yaml"


def test_a_ceiling_in_the_middle_admits_its_own_level_and_below_only():
    from dataclasses import replace

    from briefgen.document.select import above_ceiling
    from briefgen.model import MarkingLevel

    levels = (MarkingLevel("public", "", "U"), MarkingLevel("fouo", "FOUO", "FOUO"), MarkingLevel("secret", "S", "S"))
    ws, _ = open_workspace(FIXTURES / "minimal")
    block = ws.briefs["demo"].blocks[0]
    audience = replace(next(iter(ws.audiences.values())), max_marking="fouo")
    verdicts = {m: above_ceiling(replace(block, marking=m), audience, levels) for m in ("public", "fouo", "secret")}
    assert verdicts == {"public": False, "fouo": False, "secret": True}
    assert above_ceiling(replace(block, marking="secret"), replace(audience, max_marking=None), levels) is False


def test_risks_of_equal_severity_put_the_higher_impact_first_then_order_then_file_name():
    from dataclasses import replace

    from briefgen.document.select import SelectOptions, select

    ws, _ = open_workspace(FIXTURES / "minimal")
    brief = ws.briefs["demo"]
    risk = next(b for b in brief.blocks if b.kind == "risk")

    def variant(name: str, likelihood: str, impact: str, later: int = 0):
        fields = {**risk.fields, "likelihood": likelihood, "impact": impact}
        return replace(risk, path=risk.path.with_name(f"{name}.yaml"), fields=fields, order=risk.order + later)

    blocks = [
        variant("a-likely", "high", "low"),
        variant("b-grave", "low", "high"),
        variant("c-middle", "medium", "medium"),
        variant("d-later", "high", "low", later=1),
    ]
    blocks = [replace(b, id=b.path.stem) for b in blocks]
    audience = next(a for a in ws.audiences.values() if risk.section in a.sections and not a.exclude_tags)
    doc = select(replace(brief, blocks=tuple(blocks)), audience, SelectOptions())
    # severities: 3, 3, 4, 3: medium x medium first; of the threes, high impact, then order, then name
    assert [b.id for b in doc.blocks] == ["c-middle", "b-grave", "a-likely", "d-later"]
