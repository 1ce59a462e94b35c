"""Who receives which block, as the README states the rules, for any brief and any audience.

Hypothesis makes briefs of random blocks (section, order, status, kind, tags, audience lists,
handling level, variants) and random audience profiles; `select` must give exactly what the
rules written out here give: the audience's sections in its order, each block admitted by all
six rules, risks by severity then impact, recommendations numbered in reading order, the text of
the audience's detail level (and the names of the fields it came from, which a reviewer's
comment is traced back to), the banner of the highest level received.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.content.schema import KIND_FIELDS
from briefgen.document.select import SelectOptions, select, withheld_by
from briefgen.model import (
    AudienceProfile,
    Author,
    Brief,
    ContentBlock,
    Markdown,
    MarkingLevel,
    Para,
    PortionMark,
    Section,
    Text,
    Variant,
)

SECTIONS = ("context", "risks", "recs")
AUDIENCES = ("boss", "reader", "press")
TAGS = ("internal", "legal", "economy")
MARKINGS = (
    MarkingLevel("open", "", "U"),
    MarkingLevel("internal", "INTERNAL", "I"),
    MarkingLevel("secret", "SECRET", "S"),
)
LEVELS = ("low", "medium", "high")


def text(words: str) -> Markdown:
    return Markdown(words, (Para((Text(words),)),), ())


@st.composite
def blocks(draw, index: int) -> ContentBlock:
    kind = draw(st.sampled_from(("prose", "risk", "recommendation")))
    name = f"b{index:02d}"
    fields = {}
    if kind == "risk":
        fields = {"likelihood": draw(st.sampled_from(LEVELS)), "impact": draw(st.sampled_from(LEVELS))}
    variants = {}
    for audience in draw(st.lists(st.sampled_from(AUDIENCES), unique=True, max_size=2)):
        variants[audience] = Variant(
            title=draw(st.one_of(st.none(), st.just(f"{name} title for {audience}"))),
            summary=draw(st.one_of(st.none(), st.just(text(f"{name} summary for {audience}")))),
            body=draw(st.one_of(st.none(), st.just(text(f"{name} body for {audience}")))),
        )
    return ContentBlock(
        id=name,
        path=Path(f"/ws/briefs/demo/blocks/{draw(st.sampled_from('xyz'))}-{name}.yaml"),
        section=draw(st.sampled_from((*SECTIONS, "annex"))),
        title=f"{name} title",
        order=draw(st.sampled_from((1, 2, 2.5, 10))),
        status=draw(st.sampled_from(("approved", "approved", "draft", "review"))),
        kind=kind,
        body=text(f"{name} body"),
        summary=draw(st.one_of(st.none(), st.just(text(f"{name} summary")))),
        tags=tuple(draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=2))),
        audiences=draw(st.one_of(st.none(), st.lists(st.sampled_from(AUDIENCES), unique=True).map(tuple))),
        exclude_audiences=tuple(draw(st.lists(st.sampled_from(AUDIENCES), unique=True, max_size=1))),
        variants=variants,
        fields=fields,
        marking=draw(st.sampled_from((None, "open", "internal", "secret", "unknown"))),
        mitigation=text(f"{name} mitigation") if kind == "risk" else None,
        as_of=draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))),
    )


@st.composite
def briefs(draw) -> Brief:
    count = draw(st.integers(0, 8))
    return Brief(
        id=draw(st.sampled_from(("demo", "islands"))),
        path=Path("/ws/briefs/demo/brief.yaml"),
        authors=draw(st.sampled_from(((), (Author("Ana Analyst"),)))),
        title="Demo",
        date=dt.date(2026, 12, 7),
        sections=tuple(Section(s, s.title()) for s in SECTIONS),
        blocks=tuple(draw(blocks(i)) for i in range(count)),
        references={},
        audience_overrides={},
        bottom_line=text("the bottom line"),
        subtitle=draw(st.sampled_from(("", "A subtitle"))),
        version=draw(st.sampled_from(("", "1.2"))),
        organization=draw(st.sampled_from(("", "An institute"))),
        disclaimer=draw(st.sampled_from(("", "Views are the authors' own."))),
        csl=draw(st.sampled_from(("chicago-notes-bibliography", "apa"))),
        lang=draw(st.sampled_from(("en-US", "en-GB"))),
    )


audiences = st.builds(
    AudienceProfile,
    id=st.sampled_from(AUDIENCES),
    label=st.just("An audience"),
    detail=st.sampled_from(("summary", "full")),
    sections=st.lists(st.sampled_from((*SECTIONS, "missing")), unique=True).map(tuple),
    include_tags=st.lists(st.sampled_from(TAGS), unique=True, max_size=2).map(tuple),
    exclude_tags=st.lists(st.sampled_from(TAGS), unique=True, max_size=1).map(tuple),
    marking=st.sampled_from((None, "FIXED MARKING")),
    decision=st.booleans(),
    max_marking=st.sampled_from((None, "open", "internal", "secret")),
    portion_marks=st.booleans(),
    show_as_of=st.booleans(),
    csl=st.sampled_from((None, "apa")),
    lang=st.sampled_from((None, "fr-FR")),
)


def level(marking: str | None, markings) -> int:
    ids = [m.id for m in markings]
    return ids.index(marking) if marking in ids else 0  # no level, or one not declared: the lowest


def expected(brief: Brief, audience: AudienceProfile, drafts: bool, markings) -> list:
    """The README's rules, written out: what the audience reads, section by section."""
    sections, number, levels = [], 0, []
    for section in audience.sections:
        if section not in SECTIONS:
            continue
        admitted = []
        for b in brief.blocks:
            if b.section != section:
                continue
            if markings and audience.max_marking and level(b.marking, markings) > level(audience.max_marking, markings):
                continue
            if b.audiences is not None and audience.id not in b.audiences:
                continue
            if audience.id in b.exclude_audiences:
                continue
            if audience.include_tags and not set(b.tags) & set(audience.include_tags):
                continue
            if set(b.tags) & set(audience.exclude_tags):
                continue
            if b.status != "approved" and not drafts:
                continue
            admitted.append(b)

        def key(b):
            if b.kind != "risk":
                return (0, 0, b.order, b.path.name)
            likelihood, impact = (LEVELS.index(b.fields[f]) + 1 for f in ("likelihood", "impact"))
            return (-likelihood * impact, -impact, b.order, b.path.name)

        shown = []
        for b in sorted(admitted, key=key):
            variant = b.variants.get(audience.id) or Variant()
            own = f"variants.{audience.id}."
            if audience.detail == "summary":
                choices = [(variant.summary, own + "summary"), (b.summary, "summary"), (variant.body, own + "body")]
            else:
                choices = [(variant.body, own + "body")]
            chosen, field = next(((t, f) for t, f in choices if t), (b.body, "body"))
            title_field = own + "title" if variant.title else "title"
            if b.kind == "recommendation":
                number += 1
            levels.append(level(b.marking, markings))
            portion = markings[level(b.marking, markings)].portion if markings and audience.portion_marks else ""
            words = chosen.source
            mark = f"({portion}) " if portion else ""
            shown.append((b.id, variant.title or b.title, mark + words,
                          number if b.kind == "recommendation" else None, field, title_field,
                          b.status, b.kind, b.path, portion, b.as_of if audience.show_as_of else None,
                          b.mitigation.source if b.mitigation else None,  # in the register row, marked once
                          {k: b.fields.get(k) for k in KIND_FIELDS[b.kind] if k != "mitigation"}))  # fmt: skip
        if shown:
            sections.append((section, section.title(), shown))
    banner = (markings[max(levels, default=0)].banner or None) if markings else audience.marking
    marks = markings if audience.portion_marks else ()
    top = f"({marks[max(levels, default=0)].portion}) " if marks else ""
    disclaimer = f"({marks[0].portion}) {brief.disclaimer}" if marks and brief.disclaimer else brief.disclaimer
    whole = (brief.id, brief.authors, brief.title, brief.subtitle, brief.date, brief.version, brief.organization,
             drafts, disclaimer, audience.csl or brief.csl, audience.lang or brief.lang)  # fmt: skip
    bottom_line = top + "the bottom line" if audience.decision else None
    return [sections, banner, whole, bottom_line]


def actual(brief: Brief, audience: AudienceProfile, drafts: bool, markings) -> list:
    doc = select(brief, audience, SelectOptions(drafts=drafts, markings=markings))

    def words(blocks) -> str | None:
        if not blocks:
            return None
        [para] = blocks
        return " ".join(f"({n.portion})" if isinstance(n, PortionMark) else n.text for n in para.inlines)

    sections = [
        (s.id, s.title, [
            (b.id, b.title, words(b.content), b.number, b.content_field, b.title_field, b.status, b.kind, b.source,
             b.portion, b.as_of, words(b.mitigation), b.fields)
            for b in s.blocks
        ])
        for s in doc.sections
    ]  # fmt: skip
    whole = (doc.brief_id, doc.authors, doc.title, doc.subtitle, doc.date, doc.version, doc.organization,
             doc.draft, doc.disclaimer, doc.csl, doc.language)  # fmt: skip
    return [sections, doc.banner, whole, words(doc.bottom_line)]


@settings(max_examples=200, deadline=None)
@given(brief=briefs(), audience=audiences, drafts=st.booleans(), marked=st.booleans())
def test_select_gives_each_audience_what_the_rules_say(brief, audience, drafts, marked):
    markings = MARKINGS if marked else ()
    assert actual(brief, audience, drafts, markings) == expected(brief, audience, drafts, markings)
    doc = select(brief, audience, SelectOptions(drafts=drafts, markings=markings))
    # the bottom line only for a decision-maker; `withheld_by` names a rule exactly for the blocks left out
    received = {b.id for s in doc.sections for b in s.blocks}
    for block in brief.blocks:
        rules = withheld_by(block, audience, SelectOptions(drafts=drafts, markings=markings))
        reaches = block.section in SECTIONS and not rules
        assert (block.id in received) == reaches, (block.id, rules)


def test_an_audience_that_receives_nothing_gets_the_lowest_levels_banner():
    brief = Brief("demo", Path("/ws/brief.yaml"), "Demo", dt.date(2026, 12, 7), (), (), {}, {}, bottom_line=text("x"))
    audience = AudienceProfile("boss", "Boss", "summary", (), decision=True, portion_marks=True)
    doc = select(brief, audience, SelectOptions(markings=MARKINGS))
    assert doc.sections == () and doc.banner is None  # the lowest level has no banner
    assert [n.portion for n in doc.bottom_line[0].inlines if isinstance(n, PortionMark)] == ["U"]
