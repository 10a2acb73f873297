"""Reading a site from disk: files inside the site only, YAML with positions and the quick reader,
site settings declared once (settings.py), office and report files; and the report file's other sides,
the text a new one is written in (scaffold.py) and its JSON Schema (schema.py).

May import: model.
"""
