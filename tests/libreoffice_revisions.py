"""Accept or reject every tracked change of a Word file in LibreOffice: run with the system python3.

    python3 libreoffice_revisions.py accept|reject|keep IN.docx OUT.docx PROFILE_DIR

Opens IN.docx in a headless LibreOffice, runs Edit > Track Changes > Accept All (or Reject All;
`keep` changes nothing), and saves OUT.docx as Word 2007-365, so a test reads what LibreOffice,
a second reader of WordprocessingML, makes of briefgen's revisions.
"""

import sys

from libreoffice_uno import office, prop, url


def main(action, source, target, profile):
    with office(profile) as (context, desktop):
        doc = desktop.loadComponentFromURL(url(source), "_blank", 0, (prop("Hidden", True),))
        if action != "keep":
            dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
            command = ".uno:AcceptAllTrackedChanges" if action == "accept" else ".uno:RejectAllTrackedChanges"
            dispatcher.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
        doc.storeToURL(url(target), (prop("FilterName", "MS Word 2007 XML"),))
        doc.close(True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
