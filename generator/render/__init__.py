"""Making what readers get from a report or a site: page contexts (pages.py), the statistical tables as
header and data cells (tables.py), Jinja over layouts/ with Markdown made safe (renderer.py,
markdown_converter.py), report.csv/json and the site's data files (export.py), the Word document
(word.py, with the styles its reader relies on in wordstyles.py).

May import: model, read, check, site.
"""
