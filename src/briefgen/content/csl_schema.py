"""The JSON Schema of a bibliography in CSL YAML: what `references.yaml` may hold, for editors.

CSL (Citation Style Language) is the form Pandoc, Quarto and Zotero write works in; this
schema lists its item types and variables, each with a line an editor shows as help. It is
long because CSL is, and apart from the schemas of briefgen's own files because it describes
someone else's format: only `briefgen schema` writes it, validation of a bibliography is
`content/bibliography.py`'s.
"""

from __future__ import annotations

from typing import Any

_NAME = {
    "type": "object",
    "description": "A person (family and given names) or an organisation (literal).",
    "properties": {
        "family": {"type": "string", "description": "Family name, e.g. Dominguez."},
        "given": {"type": "string", "description": "Given names, e.g. Gabriel."},
        "literal": {"type": "string", "description": "An organisation's name, or a name never to be split."},
        "dropping-particle": {
            "type": "string",
            "description": "A particle dropped when only the family name shows (de).",
        },
        "non-dropping-particle": {
            "type": "string",
            "description": "A particle kept with the family name (van, de la).",
        },
        "suffix": {"type": "string", "description": "Jr., III."},
        "comma-suffix": {"type": ["boolean", "string", "number"], "description": "A comma before the suffix."},
        "static-ordering": {"type": ["boolean", "string", "number"], "description": "Family name first."},
        "parse-names": {"type": ["boolean", "string", "number"], "description": "Let the processor split the name."},
    },
    "additionalProperties": False,
}
_DATE = {
    "description": "A date: 2016-11-25, 2016-11, 2016 (EDTF text), or date-parts: [[2016, 11, 25]].",
    "anyOf": [
        {"type": "string"},
        {"type": "integer"},
        {
            "type": "object",
            "properties": {
                "date-parts": {
                    "type": "array",
                    "description": "[[year, month, day]]; a second list ends a range.",
                    "minItems": 1,
                    "maxItems": 2,
                    "items": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": ["integer", "string"]}},
                },
                "season": {"type": ["integer", "string"], "description": "1-4 for spring to winter."},
                "circa": {"type": ["boolean", "integer", "string"], "description": "The date is approximate."},
                "literal": {"type": "string", "description": "A date printed as written."},
                "raw": {"type": "string", "description": "A date as text for the processor to read."},
                "edtf": {"type": "string", "description": "An EDTF date, e.g. 2016-11-25/2016-12."},
            },
            "additionalProperties": False,
        },
    ],
}
CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
    "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
    "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
    "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
)  # fmt: skip
_CSL_NAMES = {
    "author": "Authors.",
    "editor": "Editors.",
    "translator": "Translators.",
    "container-author": "Authors of the book or series containing this item.",
    "collection-editor": "Editors of the series.",
    "composer": "Composers.",
    "director": "Directors.",
    "editorial-director": "Editorial directors.",
    "illustrator": "Illustrators.",
    "interviewer": "Interviewers.",
    "original-author": "Authors of the original work.",
    "recipient": "Recipients (of a letter, an e-mail).",
    "reviewed-author": "Authors of the reviewed work.",
    "chair": "Chairs (of a session, a hearing).",
    "compiler": "Compilers.",
    "contributor": "Contributors.",
    "curator": "Curators.",
    "executive-producer": "Executive producers.",
    "guest": "Guests (of a broadcast).",
    "host": "Hosts (of a broadcast).",
    "narrator": "Narrators.",
    "organizer": "Organisers (of an event).",
    "performer": "Performers.",
    "producer": "Producers.",
    "script-writer": "Script writers.",
    "series-creator": "Creators of a series.",
}
_CSL_DATES = {
    "issued": "When the item was published.",
    "accessed": "When you read an online item.",
    "event-date": "When the event (a conference, a hearing) took place.",
    "original-date": "When the original work was published.",
    "submitted": "When the item was submitted (a patent, a thesis).",
    "available-date": "When the item became available online.",
}
_CSL_TEXT = {
    "title": "Title of the item.",
    "title-short": "Short title, used in subsequent notes.",
    "container-title": "Title of the journal, newspaper, book or website containing the item.",
    "container-title-short": "Abbreviated container title.",
    "collection-title": "Title of the series.",
    "publisher": "Publisher.",
    "publisher-place": "Where the publisher is.",
    "URL": "Web address of the item.",
    "DOI": "Digital Object Identifier, without https://doi.org/.",
    "ISBN": "International Standard Book Number.",
    "ISSN": "International Standard Serial Number.",
    "PMID": "PubMed identifier.",
    "PMCID": "PubMed Central identifier.",
    "abstract": "Abstract of the item.",
    "annote": "Your annotation (printed only by annotated-bibliography styles).",
    "archive": "Archive holding the item.",
    "archive_location": "Where in the archive.",
    "archive-place": "Where the archive is.",
    "authority": "Issuing authority (a court, a legislature).",
    "call-number": "Library call number.",
    "citation-key": "The key a tool such as Better BibTeX gave the item.",
    "dimensions": "Physical size or running time.",
    "division": "Subdivision of an authority.",
    "event": "Name of the event (Pandoc and older styles).",
    "event-title": "Name of the event.",
    "event-place": "Where the event took place.",
    "genre": "Kind of item within its type, e.g. 'PhD dissertation'.",
    "jurisdiction": "Jurisdiction of a legal item.",
    "keyword": "Keywords.",
    "language": "Language of the item, as a BCP 47 tag.",
    "license": "Licence of the item.",
    "medium": "Medium, e.g. CD or online.",
    "note": "A note printed with the entry, or extra fields for the processor.",
    "original-publisher": "Publisher of the original work.",
    "original-publisher-place": "Where the original publisher is.",
    "original-title": "Title of the original work.",
    "part-title": "Title of the part of a multi-part work.",
    "references": "References the item cites (for legal items).",
    "reviewed-genre": "Kind of the reviewed work.",
    "reviewed-title": "Title of the reviewed work.",
    "scale": "Scale of a map.",
    "section": "Section of a newspaper or a code.",
    "source": "Database or catalogue the record came from.",
    "status": "Publication status, e.g. 'forthcoming'.",
    "translated-title": "Title translated into the document's language.",
    "version": "Version of software or a dataset.",
    "year-suffix": "The letter after a year (2016a).",
    "journalAbbreviation": "Abbreviated journal name (Zotero).",
    "shortTitle": "Short title (Zotero).",
}
_CSL_NUMBERS = {
    "volume": "Volume number.",
    "issue": "Issue number.",
    "page": "Pages of the item in its container, e.g. 12-34.",
    "page-first": "First page.",
    "number": "Number of a report, a bill, a patent.",
    "edition": "Edition.",
    "chapter-number": "Chapter number.",
    "collection-number": "Number in the series.",
    "number-of-pages": "Total number of pages.",
    "number-of-volumes": "Total number of volumes.",
    "part": "Part number.",
    "printing": "Printing number.",
    "supplement": "Supplement number.",
    "locator": "A pinpoint (pages are given in the citation instead).",
    "citation-number": "Citation number (set by the processor).",
    "first-reference-note-number": "Note of the first citation (set by the processor).",
}
_CSL_ENTRY = {
    "type": "object",
    "description": "One work in CSL (Citation Style Language) form; give only what the source states.",
    "properties": {
        "id": {"type": ["string", "integer"], "description": "The key you cite with: [@id]."},
        "type": {"enum": list(CSL_TYPES), "description": "What the item is: book, article-journal, report..."},
        **{
            name: {"type": "array", "items": {"$ref": "#/$defs/name"}, "description": text}
            for name, text in _CSL_NAMES.items()
        },
        **{
            name: {"$ref": "#/$defs/date", "description": f"{text} {_DATE['description']}"}
            for name, text in _CSL_DATES.items()
        },
        **{name: {"type": "string", "description": text} for name, text in _CSL_TEXT.items()},
        **{name: {"type": ["string", "integer"], "description": text} for name, text in _CSL_NUMBERS.items()},
        "categories": {"type": "array", "items": {"type": "string"}, "description": "Categories of the item."},
        "custom": {"type": "object", "description": "Your own key-value pairs; styles do not print them."},
    },
    "required": ["id"],
    # Styles ignore variables they do not know, and so does briefgen: the editor flags nothing more.
    "additionalProperties": True,
}
REFERENCES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "briefgen references.yaml (CSL YAML)",
    "description": "A bibliography in CSL YAML, as Pandoc, Quarto and Zotero write it.",
    "$defs": {"reference": _CSL_ENTRY, "name": _NAME, "date": _DATE},  # each written once, referred to
    "anyOf": [
        {
            "type": "object",
            "properties": {
                "references": {
                    "type": "array",
                    "items": {"$ref": "#/$defs/reference"},
                    "description": "The works this brief may cite.",
                }
            },
            "required": ["references"],
        },
        {"type": "array", "items": {"$ref": "#/$defs/reference"}},
    ],
}
