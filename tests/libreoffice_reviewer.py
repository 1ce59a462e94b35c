"""A reviewer working in LibreOffice, scripted through its own UNO API: run with the system python3.

    python3 libreoffice_reviewer.py IN.docx OUT.docx PROFILE_DIR

Opens IN.docx in a headless LibreOffice, turns on Track Changes, deletes "over time, " and types
" and patiently" after "pursued privately" the way the Writer UI does it (through the document
model, not the XML), and saves OUT.docx as Word 2007-365. The test of `briefgen review` then
reads what LibreOffice itself wrote. (A comment is not added: inserting an annotation through
UNO makes a headless LibreOffice 7.4 abort on these documents.)
"""

import sys

from libreoffice_uno import office, prop, url


def find(doc, text):
    search = doc.createSearchDescriptor()
    search.SearchString = text
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"not found in the document: {text!r}")
    return found


def main(source, target, profile):
    with office(profile) as (_context, desktop):
        doc = desktop.loadComponentFromURL(url(source), "_blank", 0, (prop("Hidden", True),))

        doc.RecordChanges = True

        find(doc, "over time, ").setString("")
        spot = find(doc, "pursued privately")
        spot.getText().insertString(spot.getEnd(), " and patiently", False)

        doc.storeToURL(url(target), (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
