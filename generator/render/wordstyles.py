"""The conventions of the Word documents Gongkai writes (word.py) and reads back (importer/docx.py,
importer/headlines.py): the styles that carry meaning, and how the headline figures' table is named.

Written once here, below both; may import the model only.
"""

from __future__ import annotations

from ..model.format import headline_wording

# A paragraph style that is no part of the report: the rule notice a document Gongkai made carries
# (word.py), as its page does outside the report's text.
NOTICE_STYLE = "Gongkai Notice"
# Word's style of a table's caption (题注): the line before a table in it names the table.
CAPTION_STYLE = "Caption"
QUOTE_STYLE = "Quote"  # a quoted paragraph (引用), Markdown's "> "
# The character styles of phrases the author marked (Markdown's **x** and *x*; the third, of Gongkai's
# documents, is both at once, since a run has one character style). Direct bold or italic is a look,
# not a mark of the text: it is read as plain text.
STRONG_STYLE = "Strong"
EMPHASIS_STYLE = "Emphasis"
STRONG_EMPHASIS_STYLE = "Gongkai Strong Emphasis"

# A free-form report's headline figures: a last table with this caption and header, a figure a row.
HEADLINE_CAPTION = "主要数字"
HEADLINE_HEADER = ("项目", "数量（件）")


def headline_label(headline_id: str, label: str) -> str:
    """How a document names a headline figure: in the national wording, else by its label."""
    return headline_wording(headline_id) or label
