"""Review cases: the domain layer under the web UI and the API (issue 4).

- `service.ReviewService`: one method per user action, each one transaction;
- `workflow`: the pure stage machine (SPEC §5) and its refusals;
- `models` + `migrations/`: the schema (SQLAlchemy 2, Alembic); `db`: engines and `upgrade()`;
- `accounts`: users, passwords, personal tokens, API keys; `audit`: the hash-chained trail;
- `storage`: the encrypted, content-addressed file store; `deadlines`: working days;
- `basis` / `publicity`: legal basis codes and the 公开属性 suggestion; `quarantine`: marked files;
- `cli.register(subparsers)`: `init`, `user`, `token`, `apikey`, `audit`.

Importing this package has no side effects.
"""
