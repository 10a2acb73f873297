"""Reading a site from disk: YAML with positions, the quick reader, report, office and site readers. Imports only model."""
