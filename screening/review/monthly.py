"""The monthly 保密审查汇总表 of a unit, straight from the recorded cases."""
from __future__ import annotations

from datetime import date

from screening.review import views
from screening.review.db import Database
from screening.sheet.summary import Summary, SummaryRow, summary_docx, summary_xlsx

FORMATS = {"xlsx": (summary_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "docx": (summary_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")}


def previous_month(month: str) -> str:
    year, number = (int(x) for x in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def monthly_summary(db: Database, unit: str, month: str, *, prepared_by: str = "",
                    prepared_on: date | None = None) -> Summary:
    """Items published in `month`: approved that month, or approved the month before with a
    publication date planned in this one."""
    with db.read() as session:
        rows = views.approved_in_month(session, unit, month) + \
            views.approved_in_month(session, unit, previous_month(month))
        others = views.month_outcomes(session, unit, month)
    year, number = (int(x) for x in month.split("-"))
    items = [SummaryRow(**row) for row in rows
             if (row["published_on"].year, row["published_on"].month) == (year, number)]
    return Summary(unit=unit, month=month, rows=items, prepared_by=prepared_by, prepared_on=prepared_on,
                   others=others)


def render(summary: Summary, fmt: str) -> tuple[bytes, str]:
    """(bytes, mimetype) of the summary as xlsx or docx."""
    renderer, mimetype = FORMATS[fmt]
    return renderer(summary), mimetype
