"""TableDetector: a table seen as a table. Each column is typed from its cells (screening.columns);
in a column of names, ID numbers, phones, bank cards or home addresses every unmasked cell is a
finding, whatever the header says; a secret-looking column beside an account column makes each of
its cells a credential finding that names the account of its row.

Lists of officials acting in office (任前公示, 表彰名单, a column of posts) are public by law: their
name columns stay quiet unless the table also lists private identifiers.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

from screening.columns import HEADER_HINTS, ColumnType, Kind, fits, hinted, type_column
from screening.names import OFFICIAL_NOTICE as _OFFICIAL_NOTICE
from screening.normalize import NormalizedView
from screening.tables import Table, TableCell, tables
from screening.validators import secret_value
from screening.types import Category, Document, Explanation, Finding, Location, PartKind, Severity, Source

_OFFICIAL_HEADER = re.compile(r"职务|职称|职级|现任|拟任|任职|工作单位|所在单位|荣誉|称号|奖项|获奖|代表团")
_POST = re.compile(r"(?:局长|处长|科长|主任|书记|县长|市长|区长|镇长|乡长|部长|厅长|主席|委员|院长|所长|站长|校长|经理|干部|科员"
                   r"|调研员|主任科员|董事长|队长)$")
_PRIVATE = (Kind.ID_CARD, Kind.PHONE, Kind.BANK_CARD, Kind.ADDRESS)
_SUBTYPE = {Kind.NAME: "name", Kind.ID_CARD: "id_card", Kind.PHONE: "phone", Kind.BANK_CARD: "bank_card",
            Kind.ADDRESS: "address"}
_LABEL = {Kind.NAME: "姓名", Kind.ID_CARD: "身份证号", Kind.PHONE: "电话号码", Kind.BANK_CARD: "银行卡号",
          Kind.ADDRESS: "住址", Kind.SECRET: "密码", Kind.PIN: "密码", Kind.ACCOUNT: "账号"}
_SUGGESTION = {
    Kind.NAME: "删除姓名，或以“张某”“张*明”等方式隐去；依法须公开的除外",
    Kind.ID_CARD: "删除身份证号，或遮挡为“110105********002X”形式",
    Kind.PHONE: "删除个人电话号码，或遮挡为“138****5678”",
    Kind.BANK_CARD: "删除银行卡号，或仅保留后四位",
    Kind.ADDRESS: "删除个人住址，或只保留到乡镇（街道）一级",
}
_SEVERITY = {Kind.ID_CARD: Severity.HIGH, Kind.BANK_CARD: Severity.HIGH}
_SECRET_PREFIX = 3           # secret cells sharing a longer prefix are codes, not passwords


def _common_prefix(values: Sequence[str]) -> int:
    return len(os.path.commonprefix(list(values))) if len(values) > 1 else 0


class TableDetector:
    name = "tables"

    def detect(self, doc: Document, views: Sequence[NormalizedView]) -> Iterator[Finding]:
        found = [(table, table.header_rows) for table in tables(doc)]     # header rows: once per table
        if not found:
            return
        notice = any(_OFFICIAL_NOTICE.search(p.text) for p in doc.parts
                     if p.kind in (PartKind.BODY, PartKind.HEADER)) or any(
            _OFFICIAL_NOTICE.search(c.text) for t, heads in found for c in t.cells if c.ref.row in heads)
        for table, header_rows in found:
            yield from self._table(table, header_rows, notice)

    def _table(self, table: Table, header_rows: frozenset[int], notice: bool) -> Iterator[Finding]:
        typed: dict[int, tuple[ColumnType, list[TableCell]]] = {}
        for column, cells in table.columns().items():
            header = table.header(column)
            data = [c for c in cells if c.ref.row not in header_rows]
            kind = type_column(header, [c.normalized for c in data])
            if (kind is None or kind.kind is Kind.ACCOUNT) and hinted(Kind.SECRET, header) \
                    and not hinted(Kind.ACCOUNT, header) and any(secret_value(c.normalized) for c in data):
                kind = ColumnType(Kind.SECRET, 1.0, True, 0.9)    # headed 密码/口令: any password-like value
            if kind is None:
                continue
            # a first row taken for a header that fits the column's kind is data after all
            data += [c for c in cells if c.ref.row in header_rows and fits(kind.kind, c.normalized)]
            typed[column] = (kind, sorted(data, key=lambda c: c.ref.row))
        official = self._official(table, typed, notice)
        for column, (kind, cells) in typed.items():
            if kind.kind in _SUBTYPE and not (kind.kind is Kind.NAME and official):
                yield from self._personal(table, column, kind, cells)
        yield from self._credentials(table, typed)

    def _official(self, table: Table, typed: dict, notice: bool) -> bool:
        """A list of officials or honourees (public), unless it lists private identifiers."""
        if any(kind.kind in _PRIVATE for kind, _ in typed.values()):
            return False
        headers = " ".join(table.header(c) for c in table.columns())
        if _OFFICIAL_HEADER.search(headers) or notice:
            return True
        for cells in table.columns().values():
            texts = [c.normalized for c in cells]
            if len(texts) >= 2 and sum(bool(_POST.search(t)) for t in texts) * 2 >= len(texts):
                return True
        return False

    def _personal(self, table: Table, column: int, kind: ColumnType, cells: list[TableCell]) -> Iterator[Finding]:
        header = table.header(column)
        label = _LABEL[kind.kind]
        where = f"“{header}”列" if header else f"第{column}列"
        for cell in cells:
            if not fits(kind.kind, cell.normalized):
                continue
            yield self._finding(
                cell, f"pii.table_{kind.kind}", Category.PERSONAL_INFO, _SUBTYPE[kind.kind],
                _SEVERITY.get(kind.kind, Severity.MEDIUM), kind.confidence,
                f"表格{where}为{label}列（按内容判断），此格为未遮挡的{label}",
                _SUGGESTION[kind.kind], kind, header)

    def _credentials(self, table: Table, typed: dict) -> Iterator[Finding]:
        accounts = [c for c, (k, _) in typed.items() if k.kind is Kind.ACCOUNT or hinted(Kind.ACCOUNT, table.header(c))]
        for column, (kind, cells) in typed.items():
            if kind.kind not in (Kind.SECRET, Kind.PIN) or column in accounts:
                continue
            left = [a for a in accounts if a < column]
            account = max(left) if left else None
            if account is None and not kind.hinted:
                continue
            if kind.kind is Kind.PIN and (account is None or account != column - 1 and not kind.hinted
                                          or all(c.normalized.endswith("00") for c in cells)):
                continue
            def accept(text: str, kind: ColumnType = kind) -> bool:
                return secret_value(text) if kind.hinted and kind.kind is Kind.SECRET else fits(kind.kind, text)

            values = [c.normalized for c in cells if accept(c.normalized)]
            if len(set(values)) < len(values) * 0.5 and not kind.hinted or _common_prefix(values) > _SECRET_PREFIX:
                continue
            header = table.header(column)
            for cell in cells:
                if not accept(cell.normalized):
                    continue
                owner = table.row(cell.ref.row).get(account) if account is not None else None
                who = f"账号“{owner.text}”的密码" if owner is not None else "密码"
                yield self._finding(
                    cell, "cred.table_password", Category.CREDENTIAL, None, Severity.HIGH,
                    min(0.95, kind.confidence + (0.05 if account is not None else 0.0)),
                    f"表格公开了{who}（第{cell.ref.row}行，按内容判断为密码列）",
                    "删除账号和密码；已公开的须立即修改全部密码并排查异常登录", kind, header)

    def _finding(self, cell: TableCell, rule: str, category: Category, subtype: str | None, severity: Severity,
                 confidence: float, message: str, suggestion: str, kind: ColumnType, header: str) -> Finding:
        features = (f"列类型：{_LABEL[kind.kind]}", f"本列符合比例：{kind.share:.0%}",
                    f"表头：{header}" if header else "无表头")
        words = tuple(w for w in HEADER_HINTS[kind.kind] if w in header.lower()) if kind.hinted else ()
        return Finding(
            rule=rule, category=category, subtype=subtype, severity=severity, source=Source.RULE,
            text=cell.text, location=Location.within(cell.part, cell.start, cell.end), message=message,
            suggestion=suggestion, confidence=confidence,
            explanation=Explanation(detector=self.name, context_words=words, features=features),
            normalized=cell.normalized)
