"""The shipped seed programme files (fowdesk/seeds/*.json) against the seed
texts they were transcribed from and the table in seed_expected.py.

Plain ``json`` only: these tests do not depend on the loader.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "fowdesk" / "seeds"
SOURCES = [ROOT.parent / "shared" / "seeds", ROOT / "shared" / "seeds"]

_spec = importlib.util.spec_from_file_location(
    "seed_expected", Path(__file__).with_name("seed_expected.py")
)
X = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(X)

STATUSES = {"Not started", "In progress", "On hold", "Complete", "Closed"}
MILESTONE_STATUSES = {"Not started", "In progress", "Complete", "Delayed", "Cancelled"}
TOP_KEYS = {
    "format",
    "source",
    "code",
    "title",
    "report_title",
    "introduction",
    "column_headings",
    "themes",
    "lead_key",
    "periods",
    "cards",
}
CARD_REQUIRED = {"ref", "title", "leads", "deliverables"}
CARD_OPTIONAL = {"theme", "status", "progress", "cross_reference", "next_steps_text", "milestones"}
SPECIAL = "–’‘“”"


def load(name):
    with open(SEEDS_DIR / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def fow():
    return load("fow.json")


@pytest.fixture(scope="module")
def ds():
    return load("ds2430.json")


def seed_text(name):
    for d in SOURCES:
        if (d / name).exists():
            return (d / name).read_text(encoding="utf-8")
    pytest.skip(f"seed text {name} not available")


def normalise(text):
    """The seed text as one line: words broken at a line end ("cross-\\n
    curricular") joined, every other run of white space one space."""
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text)


def all_strings(obj, path="$"):
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from all_strings(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from all_strings(v, f"{path}[{i}]")


def content_texts(prog):
    """Every piece of text transcribed from the source (not codes or labels)."""
    yield "report_title", prog["report_title"]
    for i, p in enumerate(prog["introduction"]):
        yield f"introduction[{i}]", p
    for i, t in enumerate(prog["themes"]):
        yield f"themes[{i}]", t
    for c in prog["cards"]:
        where = f"card {c['ref']}"
        yield f"{where} title", c["title"]
        for d in c["deliverables"]:
            yield f"{where} deliverable", d["text"]
            if d.get("benefit"):
                yield f"{where} benefit", d["benefit"]
        for label, paras in c.get("progress", {}).items():
            for p in paras:
                yield f"{where} progress {label}", p["text"]
        if c.get("next_steps_text"):
            yield f"{where} next_steps_text", c["next_steps_text"]
        for m in c.get("milestones", []):
            yield f"{where} milestone", m.get("bullet") or m["description"]


# ---------------------------------------------------------------- format


def test_index_lists_both_programmes_in_order():
    with open(SEEDS_DIR / "index.json", encoding="utf-8") as f:
        index = json.load(f)
    assert index == {"programmes": ["fow.json", "ds2430.json"]}
    for name in index["programmes"]:
        assert (SEEDS_DIR / name).is_file()


@pytest.mark.parametrize("name", ["fow.json", "ds2430.json"])
def test_format_keys(name):
    prog = load(name)
    assert set(prog) == TOP_KEYS
    assert prog["format"] == "fowdesk-programme/1"
    assert isinstance(prog["code"], str) and prog["code"]
    for key in ("introduction", "column_headings", "themes"):
        assert isinstance(prog[key], list)
        assert all(isinstance(s, str) and s for s in prog[key])
    assert len(prog["column_headings"]) == 4
    for k in prog["lead_key"]:
        assert set(k) == {"code", "role"}
        assert k["code"] and k["role"]
    assert len({k["code"] for k in prog["lead_key"]}) == len(prog["lead_key"])
    assert prog["periods"]
    labels = set()
    for p in prog["periods"]:
        assert set(p) <= {"label", "as_at", "meeting", "published"}
        assert {"label", "as_at", "published"} <= set(p)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p["as_at"])
        assert isinstance(p["published"], bool)
        labels.add(p["label"])
    refs = [c["ref"] for c in prog["cards"]]
    assert len(refs) == len(set(refs))
    for c in prog["cards"]:
        assert CARD_REQUIRED <= set(c) <= CARD_REQUIRED | CARD_OPTIONAL, c["ref"]
        assert c.get("theme") is None or c["theme"] in prog["themes"]
        assert c.get("status", "Not started") in STATUSES
        assert isinstance(c["leads"], list)
        for d in c["deliverables"]:
            assert set(d) == {"text", "bulleted", "benefit"}
            assert isinstance(d["bulleted"], bool)
        for label, paras in c.get("progress", {}).items():
            assert label in labels
            for p in paras:
                assert set(p) == {"text", "bulleted"}
                assert isinstance(p["bulleted"], bool)
        for m in c.get("milestones", []):
            keys = set(m) - {"status", "notes"}
            assert keys in ({"bullet"}, {"description", "target"}), m
            assert m.get("status", "Not started") in MILESTONE_STATUSES
            assert isinstance(m.get("notes", ""), str)


@pytest.mark.parametrize("name", ["fow.json", "ds2430.json"])
def test_file_is_utf8_indented_and_keeps_punctuation_unescaped(name):
    raw = (SEEDS_DIR / name).read_text(encoding="utf-8")
    assert "\\u2013" not in raw and "\\u2019" not in raw
    assert raw.startswith('{\n  "')


# ------------------------------------------------------------ text hygiene


@pytest.mark.parametrize("name", ["fow.json", "ds2430.json"])
def test_no_line_break_artefacts(name):
    for path, s in all_strings(load(name)):
        assert s == s.strip(), (path, s)
        assert "  " not in s, (path, s)
        assert "\n" not in s and "\t" not in s and "\r" not in s, (path, s)
        assert "-\n" not in s, (path, s)
        assert "<p>" not in s and "</p>" not in s and "<ul" not in s, (path, s)
        assert "\u00a0" not in s and "\ufffd" not in s, (path, s)
        # a word broken at a line end and joined with a space ("cross- curricular")
        assert not re.search(r"[a-z]- [a-z]", s), (path, s)


@pytest.mark.parametrize(
    "name,seed,rewritten",
    [
        ("fow.json", "000_18ccebc103d2a05b.txt", set()),
        (
            "ds2430.json",
            "003_fff2016c01b3fd99.txt",
            {
                "Ensure that users are continually engaged throughout a digital change project, "
                "create a robust engagement model using change management principles",
                X.DS_JOINED_BENEFIT,
                "Digital Strategy 2024-30 – Progress Report",
            },
        ),
    ],
)
def test_every_text_is_verbatim_from_the_seed(name, seed, rewritten):
    source = normalise(seed_text(seed))
    for where, text in content_texts(load(name)):
        if text in rewritten:
            continue
        bare = text[2:] if text.startswith("• ") else text
        if bare.startswith("Roadmap – "):
            continue
        assert bare in source, (where, text)


def test_fow_uses_the_seed_dashes_and_curly_quotes(fow):
    seed = seed_text("000_18ccebc103d2a05b.txt")
    # the key line is structure (code – role), not text
    key_line = next(line for line in seed.splitlines() if line.startswith("KEY FOR LEAD ROLE"))
    body = seed.replace(key_line, "")
    texts = [t for _, t in content_texts(fow)]
    for ch in SPECIAL:
        assert sum(t.count(ch) for t in texts) == body.count(ch), ch
    for _, s in all_strings(fow):
        assert "'" not in s and '"' not in s and "--" not in s, s
    by_ref = {c["ref"]: c for c in fow["cards"]}
    assert "‘Digital Shipyard’" in by_ref["12"]["title"]
    assert "‘alternative’" in by_ref["13"]["title"]
    assert "‘best fit’" in by_ref["7"]["deliverables"][0]["text"]
    assert "“City Vision”" in by_ref["1"]["progress"]["February 2020"][1]["text"]
    assert "‘map and gap’" in by_ref["6"]["progress"]["February 2020"][1]["text"]
    assert (
        "technology partner – DigitalMe – but"
        in by_ref["2"]["progress"]["February 2020"][1]["text"]
    )
    assert (
        by_ref["10"]["progress"]["February 2020"][1]["text"] == "Office 365 rolled out – July 2020"
    )


def test_ds_keeps_the_seed_quotes(ds):
    texts = [t for _, t in content_texts(ds)]
    joined = "\n".join(texts)
    # the strategy's table text uses straight apostrophes; none were "smartened"
    assert "the 'SCC way'" in joined
    assert "To ensure 'buy in'" in joined
    assert "Southampton's service design approach" in joined
    assert "’" not in joined and "‘" not in joined


# ------------------------------------------------------------ FOW content


def test_fow_programme_header(fow):
    assert fow["code"] == "FOW"
    assert fow["source"] == "000_18ccebc103d2a05b.txt"
    assert fow["title"] == X.FOW_TITLE
    assert fow["report_title"] == X.FOW_REPORT_TITLE
    assert fow["column_headings"] == X.FOW_COLUMN_HEADINGS
    assert fow["themes"] == X.FOW_THEMES
    assert [(k["code"], k["role"]) for k in fow["lead_key"]] == X.FOW_LEAD_KEY
    assert [(p["label"], p["as_at"], p["published"]) for p in fow["periods"]] == [X.FOW_PERIOD]
    assert fow["periods"][0].get("meeting", "") == ""
    intro = fow["introduction"]
    assert len(intro) == len(X.FOW_INTRO_STARTS)
    for para, (start, inner, end) in zip(intro, X.FOW_INTRO_STARTS, strict=False):
        assert para.startswith(start), para
        assert inner in para, para
        assert para.endswith(end), para
    assert intro[1] == "• " + X.FOW_THEMES[0]
    assert intro[2] == "• " + X.FOW_THEMES[1]


def test_fow_has_the_nineteen_cards_in_order(fow):
    assert [c["ref"] for c in fow["cards"]] == [str(i) for i in range(1, 20)]


@pytest.mark.parametrize("exp", X.FOW_CARDS, ids=lambda e: "rec" + e["ref"])
def test_fow_card(fow, exp):
    card = next(c for c in fow["cards"] if c["ref"] == exp["ref"])
    assert card["title"] == exp["title"]
    assert card["leads"] == exp["leads"]
    assert card.get("theme") is None
    assert card.get("status") == "In progress"
    assert [(d["text"], d["bulleted"]) for d in card["deliverables"]] == exp["deliverables"]
    assert all(d["benefit"] is None for d in card["deliverables"])

    progress = card.get("progress", {})
    assert set(progress) <= {"February 2020"}
    paras = progress.get("February 2020", [])
    assert len(paras) == len(exp["progress"])
    for p, (bulleted, opening) in zip(paras, exp["progress"], strict=False):
        assert p["bulleted"] is bulleted, p["text"]
        assert p["text"].startswith(opening), (p["text"], opening)

    assert card.get("cross_reference") == exp["cross_reference"]
    assert card.get("next_steps_text") == exp["next_steps_text"]
    milestones = card.get("milestones", [])
    assert all(set(m) == {"bullet"} for m in milestones)
    assert [m["bullet"] for m in milestones] == exp["milestones"]


def test_fow_milestone_totals(fow):
    counts = {c["ref"]: len(c.get("milestones", [])) for c in fow["cards"]}
    assert {r: n for r, n in counts.items() if n} == X.FOW_MILESTONE_COUNTS
    bullets = [m["bullet"] for c in fow["cards"] for m in c.get("milestones", [])]
    assert len(bullets) == 34
    dated = [b for b in bullets if re.search(r" [–-] \S.*\d{4}$", b)]
    undated = [b for b in bullets if b not in dated]
    assert len(dated) == 32
    assert undated == X.FOW_UNDATED_MILESTONES


def test_fow_progress_items_that_look_like_milestones_stay_progress(fow):
    bullets = {m["bullet"] for c in fow["cards"] for m in c.get("milestones", [])}
    assert "Office 365 rolled out – July 2020" not in bullets
    assert not any("IBM IoT" in b or "TechSolent annual" in b for b in bullets)
    assert not any(b == "Work in progress" for b in bullets)


def test_fow_page_break_artefacts_are_not_content(fow):
    for where, text in content_texts(fow):
        assert "KEY FOR LEAD ROLE" not in text, where
        assert "FoW report recommendation" not in text, where
        assert "Progress to date against" not in text, where
        assert text != "2", where


def test_fow_uses_sle_although_the_key_lacks_it(fow):
    codes = {k["code"] for k in fow["lead_key"]}
    used = {lead for c in fow["cards"] for lead in c["leads"]}
    assert used - codes == {"SLE"}


# ------------------------------------------------------------ DS2430 content


def test_ds_programme_header(ds):
    assert ds["code"] == "DS2430"
    assert ds["source"] == "003_fff2016c01b3fd99.txt"
    assert ds["title"] == X.DS_TITLE
    assert ds["report_title"] == X.DS_REPORT_TITLE
    assert ds["column_headings"] == X.DS_COLUMN_HEADINGS
    assert ds["themes"] == X.DS_THEMES
    assert ds["introduction"] == X.DS_INTRODUCTION
    assert ds["lead_key"] == []
    assert len(ds["periods"]) == 1 and ds["periods"][0]["published"] is False


def test_ds_card_order(ds):
    assert [c["ref"] for c in ds["cards"]] == [str(i) for i in range(1, 10)] + ["R1", "R2"]


@pytest.mark.parametrize("exp", X.DS_PRIORITIES, ids=lambda e: "priority" + e["ref"])
def test_ds_priority(ds, exp):
    card = next(c for c in ds["cards"] if c["ref"] == exp["ref"])
    assert card["title"] == exp["title"]
    assert card["theme"] == exp["theme"]
    assert card["leads"] == []
    assert card.get("status", "Not started") == "Not started"
    assert card.get("progress", {}) == {}
    assert card.get("milestones", []) == []
    assert card.get("cross_reference") is None
    assert card.get("next_steps_text") is None
    assert [d["text"] for d in card["deliverables"]] == exp["deliverables"]
    assert all(d["bulleted"] is True for d in card["deliverables"])
    benefits = [d["benefit"] for d in card["deliverables"] if d["benefit"]]
    assert len(benefits) == exp["benefits"]


def test_ds_split_row_joined(ds):
    card = next(c for c in ds["cards"] if c["ref"] == "9")
    assert card["deliverables"][1]["benefit"] == X.DS_JOINED_BENEFIT


@pytest.mark.parametrize("exp", X.DS_ROADMAPS, ids=lambda e: e["ref"])
def test_ds_roadmap(ds, exp):
    card = next(c for c in ds["cards"] if c["ref"] == exp["ref"])
    assert card["title"] == exp["title"]
    assert card["theme"] == exp["theme"]
    assert card["leads"] == [] and card["deliverables"] == []
    assert card.get("status", "Not started") == "Not started"
    got = [(m["description"], m["target"], m.get("notes", "")) for m in card["milestones"]]
    assert got == exp["milestones"]


def test_ds_no_invented_roadmaps(ds):
    # People and skills / Process and organisation roadmaps were images only
    roadmap_themes = [c["theme"] for c in ds["cards"] if c["ref"].startswith("R")]
    assert roadmap_themes == ["Technology and architecture", "Design, plan and implement"]
