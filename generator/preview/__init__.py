"""The preview (`gongkai serve`): build the site in a BuildSession, serve it, rebuild on change.

May import: model, read, check, site, render, importer, build.
"""
