"""The model: the national format (format.py, from generator/formats/*.yaml), report values (values.py),
office kinds, findings, number formatting and Chinese collation. Plain data and the functions that read it.

May import: nothing else of generator (the first stage: model <- read <- check <- site <- render <- importer
<- build <- preview <- commands; tests/test_layers.py holds every module to this order).
"""
