"""Exports and imports: the Excel return, the PDF report. Plain functions, no Qt."""
