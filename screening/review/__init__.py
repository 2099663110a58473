"""Review cases: the domain layer under the web UI and the API (issue 4).

- `service.ReviewService`: one method per user action, each one transaction (`tx.py`);
- `workflow`: the pure stage machine (SPEC §5) and its refusals (`errors.py`: code, message, status);
- `versions`: storing an upload, carry-over of dispositions, quarantine; `views`: read models,
  to-do lists, deadlines, clearance, the monthly summary;
- `models` + `migrations/`: the schema (SQLAlchemy 2, Alembic); `db`: engines and `upgrade()`;
- `accounts`: users, passwords, personal tokens, API keys; `provisioning`: units, departments,
  adding, (de)activating and re-roling accounts and their confirmation; `audit`: the hash-chained trail;
- `storage`: the encrypted, content-addressed file store; `deadlines`: working days;
- `basis` / `publicity`: legal basis codes and the 公开属性 suggestion; `quarantine`: the one
  predicate for classification markings; `notify`: in-app notices and the Notifier hook;
- `cli.register(subparsers)`: `init`, `user`, `token`, `apikey`, `deadlines`, `audit`.

Importing this package has no side effects. See docs/workflow.md.
"""
