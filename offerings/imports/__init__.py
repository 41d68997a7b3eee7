"""Imports of offers from open-Q-cat 1.1 XML and CSV files.

A file is first parsed into plain records (`records.py`), by `openqcat/` or `csvfile.py`;
`plan.py` compares them with the institution's offers (the dry run) and applies the plan in
one transaction (the commit). Files are untrusted: every problem with the whole file raises
`ImportFileError` with a message for the user, problems of single offers reject that offer.
"""
