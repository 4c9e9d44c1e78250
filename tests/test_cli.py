"""The command line as a user meets it: exit codes, one-line errors, init and export json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fowdesk import __version__
from fowdesk.cli import main
from fowdesk.storage.repository import Repository


def fowdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fowdesk", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_version_is_printed() -> None:
    result = fowdesk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"fowdesk {__version__}"


def test_wrong_usage_exits_2() -> None:
    result = fowdesk("frobnicate")
    assert result.returncode == 2
    assert "fowdesk: error:" in result.stderr


def test_init_then_export_json_shows_the_seeded_programme(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert fowdesk("init", str(db)).returncode == 0
    result = fowdesk("--db", str(db), "export", "json", "-o", "-")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    fow = data["programmes"][0]
    assert [p["code"] for p in data["programmes"]] == ["FOW", "DS2430"]
    assert fow["rag_as_at"] == "2020-02-29"
    items = {item["ref"]: item for item in fow["items"]}
    assert list(items) == [str(n) for n in range(1, 20)]
    assert items["18"]["leads"] == ["EDT", "SSM"]
    assert items["1"]["leads"] == ["HoP & ED"]
    assert items["3"]["deliverables"][0] == {
        "text": "Skills strategy",
        "bulleted": True,
        "benefit": None,
    }
    assert len(items["3"]["progress"]["February 2020"]) == 3
    first = items["1"]["milestones"][0]
    assert first["description"] == "Project Initiation Documentation agreed by Project Board"
    assert first["target"] == "March/April 2020"
    assert first["window"] == {"start": "2020-03-01", "end": "2020-04-30", "precision": "month"}
    # As at 29/02/2020 "Clear RSA … – March 2020" ends 31 days later: still Green.
    assert items["2"]["rag"] == "G"
    assert items["1"]["rag"] == "G"
    assert items["9"]["rag"] == "G" and items["9"]["next_steps"] == "Work in progress"


def test_init_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "x.db"
    existing.write_text("precious")
    result = fowdesk("init", str(existing))
    assert result.returncode == 1
    assert (
        result.stderr.strip() == f"fowdesk: error: {existing}: already exists; choose another name"
    )
    assert existing.read_text() == "precious"


def test_init_empty_has_no_programmes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "empty.db"
    assert main(["init", str(db), "--empty"]) == 0
    assert main(["--db", str(db), "export", "json", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["programmes"] == []


def test_fowdesk_db_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    import os

    db = tmp_path / "env.db"
    assert fowdesk("init", str(db)).returncode == 0
    env = {**os.environ, "FOWDESK_DB": str(db)}
    result = fowdesk("check", env=env)
    assert result.returncode == 0
    assert str(db) in result.stdout


def test_export_json_to_a_file_and_backup(tmp_path: Path, seeded_path: Path) -> None:
    out = tmp_path / "all.json"
    assert main(["--db", str(seeded_path), "export", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text("utf-8"))["programmes"][0]["code"] == "FOW"
    copy = tmp_path / "copy.db"
    assert main(["--db", str(seeded_path), "backup", "-o", str(copy)]) == 0
    assert main(["--db", str(copy), "check"]) == 0


def test_period_new_and_publish(seeded_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(seeded_path)
    assert (
        main(
            [
                "--db",
                db,
                "period",
                "new",
                "March 2020",
                "--as-at",
                "31/03/2020",
                "--meeting",
                "Scrutiny Inquiry Panel, 9 April 2020",
            ]
        )
        == 0
    )
    assert main(["--db", db, "period", "publish", "March 2020"]) == 0
    assert main(["--db", db, "period", "publish", "March 2020"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "fowdesk: error: period 'March 2020' is already published"
    assert main(["--db", db, "period", "new", "Old", "--as-at", "01/01/2020"]) == 1


def test_a_bad_date_is_a_usage_error(seeded_path: Path) -> None:
    result = fowdesk("--db", str(seeded_path), "period", "new", "X", "--as-at", "31/31/2020")
    assert result.returncode == 2
    assert "is not a date" in result.stderr


def test_an_unknown_programme_is_one_line(seeded_path: Path) -> None:
    result = fowdesk("--db", str(seeded_path), "changes", "--programme", "NOPE")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("fowdesk: error: no programme with code 'NOPE'")


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    """`fowdesk check | head -1` ends quietly, with no crash report.

    300 long milestones with unreadable targets make the notes far larger than a
    pipe's buffer, so
    the command is still printing when the reader has gone.
    """
    db = tmp_path / "x.db"
    assert fowdesk("init", str(db)).returncode == 0
    repo = Repository.open(db, user="tester")
    card = repo.card_uuid_for_ref("FOW", "1")
    padding = "a milestone described at length " * 10
    for number in range(300):
        repo.add_milestone(card, f"Milestone {number}, {padding}", "soon")
    repo.close()
    with subprocess.Popen(
        [sys.executable, "-m", "fowdesk", "--db", str(db), "check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,  # read exactly what is asked for: the rest stays in the pipe
    ) as reader:
        assert reader.stdout is not None and reader.stderr is not None
        first = reader.stdout.read(1)
        reader.stdout.close()
        errors = reader.stderr.read().decode()
        assert reader.wait(timeout=60) == 0, errors
    assert first == str(db)[:1].encode()  # "…/x.db: integrity ok"
    assert errors == ""
