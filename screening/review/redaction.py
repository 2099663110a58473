"""区分处理 in one step: the current version with every finding marked `redacted` masked (by the
publication norm) and the file sanitized, re-screened, and uploaded as the case's next version."""
from __future__ import annotations

from screening.redact.items import RedactionItem
from screening.redact.service import RedactOptions, redact
from screening.review.errors import Conflict
from screening.review.versions import Upload
from screening.sheet.mask import mask_value


def items_marked_redacted(case: dict, options: RedactOptions = RedactOptions()) -> tuple[RedactionItem, ...]:
    """One item per distinct value among the current findings disposed of as `redacted`."""
    items: dict[str, RedactionItem] = {}
    for f in case["findings"]:
        disposition = f.get("disposition") or {}
        if disposition.get("action") != "redacted" or f["source"] == "structure":
            continue
        key = "".join(f["text"].split())
        if key and key not in items:
            items[key] = RedactionItem(text=f["text"], category=f["category"], subtype=f["subtype"], rule=f["rule"],
                                       replacement=mask_value(f["text"], f["category"], f["subtype"], options.policy))
    return tuple(sorted(items.values(), key=lambda item: -len(item.key)))


def redacted_version(service, actor_id: int, case_id: int, options: RedactOptions = RedactOptions()) -> Upload:
    """Upload the redacted copy of the current version as the next version (one transaction in
    `add_version`); refused with a Conflict naming what remains when the re-screen still finds it."""
    from screening.redact.service import RedactionRefused

    case = service.case_view(case_id, actor_id=actor_id)
    items = items_marked_redacted(case, options)
    if not items:
        raise Conflict("nothing_to_redact", "当前版本没有标记为“区分处理”的审查发现，无需生成区分处理副本")
    filename, data = service.get_file(case_id, actor_id=actor_id)
    try:
        result = redact(data, filename, items, options, engine=service.engine)
    except RedactionRefused as exc:
        remaining = "；".join(r.describe(options.policy) for r in exc.result.remaining) or "复查未通过"
        raise Conflict("redaction_incomplete", f"区分处理副本复查未通过，仍含：{remaining}") from exc
    return service.add_version(actor_id, case_id, data=result.data, filename=result.name)
