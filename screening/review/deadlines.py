"""Working days in China: the State Council's holidays and make-up working days (调休).

Sources, in order: holiday schedule files (JSON, one per year: shipped ones in
`screening/review/holidays/`, and the administrator's in `<instance>/holidays/`, added each November
when the State Council publishes the next year's schedule), then the `chinese_calendar` package, then,
for a year nobody knows yet, weekends only — and the result says so (`Deadline.estimated_years`).

主动公开 information is due within 20 working days of its formation (条例第二十六条).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

PUBLICATION_WORKDAYS = 20
SCHEMA = "screening.holidays/1"
PACKAGE_DIR = Path(__file__).with_name("holidays")


class CalendarError(ValueError):
    """A holiday schedule file is invalid; the message names the file."""


@dataclass(frozen=True, slots=True)
class YearSchedule:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]   # make-up working days on weekends
    source: str


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date
    estimated_years: tuple[int, ...] = ()   # years counted by weekends only (no schedule known)

    @property
    def note(self) -> str | None:
        if not self.estimated_years:
            return None
        years = "、".join(f"{y}年" for y in self.estimated_years)
        return (f"{years}的法定节假日安排尚未录入，期限暂按周末计算，可能不准确；"
                "请管理员在国务院公布安排后补充节假日数据")


def load_schedule(path: Path) -> YearSchedule:
    """Read one schedule file:
    {"schema": "screening.holidays/1", "year": 2027, "source": "国办发明电〔…〕…号",
     "holidays": {"2027-01-01": "元旦", ...}, "workdays": {"2027-02-06": "春节调休上班", ...}}"""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CalendarError(f"{path}: 无法读取节假日数据：{exc}") from exc
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise CalendarError(f"{path}: schema 应为 {SCHEMA!r}")
    year = raw.get("year")
    if not isinstance(year, int):
        raise CalendarError(f"{path}: 缺少整数 year")

    def days(key: str) -> frozenset[date]:
        table = raw.get(key, {})
        if not isinstance(table, dict):
            raise CalendarError(f"{path}: {key} 应为 {{日期: 名称}}")
        out = set()
        for text in table:
            try:
                day = date.fromisoformat(text)
            except ValueError:
                raise CalendarError(f"{path}: {key} 中的日期 {text!r} 格式应为 YYYY-MM-DD") from None
            if day.year != year:
                raise CalendarError(f"{path}: {text} 不属于 {year} 年")
            out.add(day)
        return frozenset(out)

    holidays, workdays = days("holidays"), days("workdays")
    if holidays & workdays:
        both = ", ".join(sorted(d.isoformat() for d in holidays & workdays))
        raise CalendarError(f"{path}: 同一天既是假日又是调休工作日：{both}")
    return YearSchedule(year, holidays, workdays, str(raw.get("source", "")))


class WorkCalendar:
    """Which days are working days. `__init__` stores the folders; files are read on first use."""

    def __init__(self, folders: Sequence[Path] = (), *, include_package: bool = True) -> None:
        self.folders = ((PACKAGE_DIR,) if include_package else ()) + tuple(Path(f) for f in folders)
        self._schedules: dict[int, YearSchedule] | None = None

    @property
    def schedules(self) -> dict[int, YearSchedule]:
        if self._schedules is None:
            found: dict[int, YearSchedule] = {}
            for folder in self.folders:     # later folders (the instance's) override earlier ones
                for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
                    schedule = load_schedule(path)
                    found[schedule.year] = schedule
            self._schedules = found
        return self._schedules

    def known(self, year: int) -> bool:
        if year in self.schedules:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: date) -> bool:
        """True for a working day; for a year without data, Monday to Friday."""
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            if day in schedule.holidays:
                return False
            if day in schedule.workdays:
                return True
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> Deadline:
        """The `count`-th working day after `start` (start itself not counted)."""
        day, left, unknown = start, count, set()
        while left > 0:
            day += timedelta(days=1)
            if not self.known(day.year):
                unknown.add(day.year)
            if self.is_workday(day):
                left -= 1
        return Deadline(day, tuple(sorted(unknown)))

    def workdays_between(self, start: date, end: date) -> int:
        """Working days d with start <= d < end."""
        return sum(1 for d in _days(start, end) if self.is_workday(d))

    def publication_deadline(self, formed_on: date, paused_workdays: int = 0) -> Deadline:
        return self.add_workdays(formed_on, PUBLICATION_WORKDAYS + paused_workdays)


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)
