"""The hidden marker sheet of a filing workbook, as template.py writes it and read.py
reads it back (a module of its own so that reading a returned workbook needs neither
pandas nor openpyxl)."""
META_SHEET = "reportkit"
META_KEYS = ("format", "version", "filer", "city", "year", "sheet", "items")
KEY_ROW = 11            # first row of the item keys in the marker sheet
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".et", ".xlt", ".xlam")   # read (or refused) as workbooks
