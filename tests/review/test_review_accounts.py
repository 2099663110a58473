"""Users, passwords and lockout, personal tokens and system API keys."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from screening.review import accounts, provisioning
from screening.review.errors import AuthError, Invalid, NotFound
from screening.review.models import ApiKey, Base, Department, PersonalToken, Unit

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def test_password_hashing():
    stored = accounts.hash_password("正确 horse battery", n=2**14)
    assert stored.startswith("scrypt$16384$8$1$") and "正确" not in stored
    assert accounts.verify_password("正确 horse battery", stored)
    assert not accounts.verify_password("wrong", stored)
    assert not accounts.verify_password("x", "garbage")
    assert not accounts.verify_password("x", None)
    assert accounts.hash_password("same", n=2**14) != accounts.hash_password("same", n=2**14)   # salted
    with pytest.raises(Invalid):
        accounts.hash_password("")


def test_add_user_creates_unit_and_department(database):
    info = provisioning.add_user(database, "zhang", role="drafter", unit="甲单位", department="办公室",
                             display_name="张三")
    assert (info.role, info.unit, info.department, info.display_name) == ("drafter", "甲单位", "办公室", "张三")
    provisioning.add_user(database, "li", role="head", unit="甲单位", department="办公室")
    with database.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Unit)).scalar() == 1
        assert s.execute(sa.select(sa.func.count()).select_from(Department)).scalar() == 1
    assert [u.name for u in accounts.list_users(database)] == ["zhang", "li"]
    assert accounts.get_user(database, info.id).name == "zhang"


@pytest.mark.parametrize("kwargs,code", [
    ({"name": "zhang", "role": "drafter", "department": "办公室"}, "user_exists"),
    ({"name": "new", "role": "boss"}, "invalid_role"),
    ({"name": "new", "role": "drafter"}, "department_required"),
    ({"name": "new", "role": "head"}, "department_required"),
    ({"name": " ", "role": "leader"}, "invalid_name"),
])
def test_add_user_refusals(database, kwargs, code):
    provisioning.add_user(database, "zhang", role="drafter", unit="甲单位", department="办公室")
    kwargs = dict(kwargs)
    name = kwargs.pop("name")
    with pytest.raises(Invalid) as refused:
        provisioning.add_user(database, name, unit="甲单位", **kwargs)
    assert refused.value.code == code


def test_login_has_no_account_lockout(database):
    provisioning.add_user(database, "zhang", role="drafter", unit="甲单位", department="办公室",
                      password="s3cret-密码")
    assert accounts.login(database, "zhang", "s3cret-密码", now=NOW).name == "zhang"
    for _ in range(20):
        with pytest.raises(AuthError) as refused:
            accounts.login(database, "zhang", "wrong", now=NOW)
        assert refused.value.code == "invalid_credentials" and refused.value.status == 401
    # no one can lock a named account by guessing at it (the web layer slows the guessing client)
    assert accounts.login(database, "zhang", "s3cret-密码", now=NOW).name == "zhang"
    with pytest.raises(AuthError) as unknown:
        accounts.login(database, "nobody", "x", now=NOW)
    assert unknown.value.code == "invalid_credentials"
    provisioning.set_active(database, "zhang", False)
    with pytest.raises(AuthError) as inactive:
        accounts.login(database, "zhang", "s3cret-密码", now=NOW)
    assert inactive.value.code == "invalid_credentials"


def test_set_password(database):
    provisioning.add_user(database, "wang", role="leader", unit="甲单位")
    with pytest.raises(AuthError):
        accounts.login(database, "wang", "anything")
    accounts.set_password(database, "wang", "new-password")
    assert accounts.login(database, "wang", "new-password").name == "wang"
    with pytest.raises(NotFound):
        accounts.set_password(database, "nobody", "x")


def secrets_in_db(database, secret: str) -> bool:
    with database.read() as s:
        return any(secret in repr(tuple(row)) for table in Base.metadata.sorted_tables
                   for row in s.execute(sa.select(table)))


def test_personal_tokens(database):
    provisioning.add_user(database, "li", role="head", unit="甲单位", department="办公室")
    issued = accounts.create_token(database, "li", label="OA 系统")
    assert issued.secret.startswith("sst_") and len(issued.secret) > 40
    assert not secrets_in_db(database, issued.secret)
    assert accounts.user_for_token(database, issued.secret).name == "li"
    with database.read() as s:
        assert s.get(PersonalToken, issued.id).last_used_at is not None
    assert accounts.user_for_token(database, issued.secret + "x") is None
    assert accounts.user_for_token(database, "ssk_" + issued.secret[4:]) is None
    accounts.revoke_token(database, issued.id)
    assert accounts.user_for_token(database, issued.secret) is None
    with pytest.raises(NotFound):
        accounts.revoke_token(database, 999)
    with pytest.raises(NotFound):
        accounts.create_token(database, "nobody")


def test_token_of_a_deactivated_user_stops_working(database):
    provisioning.add_user(database, "li", role="head", unit="甲单位", department="办公室")
    issued = accounts.create_token(database, "li")
    provisioning.set_active(database, "li", False)
    assert accounts.user_for_token(database, issued.secret) is None


def test_api_keys(database):
    issued = accounts.create_api_key(database, "cms", "screen,clearance")
    assert issued.secret.startswith("ssk_") and not secrets_in_db(database, issued.secret)
    key = accounts.api_key_for(database, issued.secret)
    assert key.scopes == ("screen", "clearance") and key.allows("clearance") and not key.allows("cases:write")
    with pytest.raises(Invalid) as refused:
        accounts.create_api_key(database, "cms", "screen")
    assert refused.value.code == "key_exists"
    accounts.revoke_api_key(database, "cms")
    assert accounts.api_key_for(database, issued.secret) is None
    again = accounts.create_api_key(database, "cms", ["cases:read"])
    assert accounts.api_key_for(database, again.secret).scopes == ("cases:read",)
    listed = [(k.name, k.revoked_at is None) for k in accounts.list_api_keys(database)]
    assert listed == [(f"cms#revoked-{issued.id}", False), ("cms", True)]
    with pytest.raises(NotFound):
        accounts.revoke_api_key(database, "nope")
    with database.read() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(ApiKey)).scalar() == 2


@pytest.mark.parametrize("scopes", ["", "admin", "screen,sign", " , "])
def test_api_key_scopes_are_checked(database, scopes):
    with pytest.raises(Invalid) as refused:
        accounts.create_api_key(database, "x", scopes)
    assert refused.value.code == "invalid_scope"
