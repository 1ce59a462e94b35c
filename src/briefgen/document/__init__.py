"""From a brief to one audience's document: selection, numbering and cross-references, citations."""
