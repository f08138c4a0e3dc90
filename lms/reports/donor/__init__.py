"""The programme report for donors: for a period and the viewer's scope, the tables a funder
asks for (professionals trained and certified by beneficiary, gender and profession;
completion; knowledge gain; grading turnaround; certificates), as a page, JSON, a PDF with
bar charts, and an XLSX workbook of the same tables.

``report.donor_report`` computes it (a fixed number of aggregate statements over the fact
table, whatever the size of the programme); ``pdf`` and ``workbook`` write it; the pages and
the API render it in the request (bench/donor.py measures it on a programme of 100,000).
"""
