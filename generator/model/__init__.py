"""The model: the national format, report values, findings and number formatting.

Plain data and the functions that read it; the model imports nothing else of `generator`.
"""
