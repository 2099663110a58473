"""docs/api.md: its example clients (curl and Python requests) run as written against the real server,
and every operation and status code the API has is documented there."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from web_helpers import Live, child_env

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example(name: str) -> str:
    match = re.search(rf"<!-- example: {name} -->\n```\w+\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, f"docs/api.md has no `{name}` example"
    return match.group(1)


def example_env(live: Live) -> dict[str, str]:
    org = live.org
    return child_env({"SCREENING_URL": live.url, "SCREENING_API_KEY": org.keys["all"],
                      "DRAFTER_TOKEN": org.tokens["drafter"], "HEAD_TOKEN": org.tokens["head"],
                      "LEADER_TOKEN": org.tokens["leader"], "NO_PROXY": "127.0.0.1,localhost",
                      "no_proxy": "127.0.0.1,localhost"})


def test_the_curl_example_runs(live_sqlite: Live, tmp_path: Path):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", example("curl")], cwd=tmp_path, env=example_env(live_sqlite),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr + run.stdout
    answers = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert [a.get("verdict") for a in answers[:2]] == ["block", "pass"]
    assert answers[2]["summary"]["files"] == 2 and [r["verdict"] for r in answers[2]["reports"]] == ["pass", "pass"]
    assert answers[3]["stage"] == "draft" and answers[3]["version"] == 1
    assert answers[4]["publishable"] is False and answers[4]["document"] == answers[3]["id"]


def test_the_python_example_runs(live_sqlite: Live, tmp_path: Path):
    script = tmp_path / "client.py"
    script.write_text(example("python"), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=example_env(live_sqlite),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr + run.stdout
    out = run.stdout
    assert "第 1 版审查结论： block" in out and "第 2 版审查结论： pass" in out
    assert "签署 leader → approved" in out
    assert "修改后的文件可以发布：True" in out and "最初的草稿可以发布：False" in out


def test_every_operation_is_in_the_docs(client):
    text = DOC.read_text(encoding="utf-8")
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in spec["paths"]:
        short = path.removeprefix("/api/v1").replace("{case_id}", "{id}").replace("{finding_id}", "{fid}").replace("{job_id}", "{id}")
        short = short.replace("/sheet.pdf", "/sheet.docx")
        assert short.split("?")[0] in text, path
    for status in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500):
        assert f"{status} " in text, status


def test_every_unreadable_document_code_is_documented_with_its_message():
    """A publishing system branches on `error.code`: docs/api.md lists each code the engine can give, as it gives it."""
    from screening.errors import UnreadableDocument

    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    table = text[text.index("| `error.code` | 含义 |"):]
    table = table[:table.index("\n\n")]
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", table, re.M))
    assert rows == UnreadableDocument.CODES
