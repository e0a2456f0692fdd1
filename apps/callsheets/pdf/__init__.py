"""Printed sheets as PDF: the page furniture (`layout`) and the call sheet (`sheet`); re-exported here."""
from apps.callsheets.pdf.layout import (CHANGED_MARK, Changed, clock, document, draw_table, long_date, mark, paragraph, section,
                                        table_start_mm, titled_table)
from apps.callsheets.pdf.sheet import call_sheet_pdf

__all__ = ["CHANGED_MARK", "Changed", "call_sheet_pdf", "clock", "document", "draw_table", "long_date", "mark", "paragraph", "section",
           "table_start_mm", "titled_table"]
