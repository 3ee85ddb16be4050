"""`playbookgen export`: a small playbook in, what each CRM takes in out."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from playbookgen.errors import UserError, ValidationFailed
from playbookgen.export import Export, export_project, write_export
from playbookgen.model import Project
from playbookgen.project import validate_project

NS = "{http://soap.sforce.com/2006/04/metadata}"


# --- building small playbooks ------------------------------------------------------------------


def stage_yaml(stage_id: str, name: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": stage_id,
        "name": name,
        "summary": f"What happens in {name}.",
        "exit_criteria": [f"{name} is done"],
    }
    data.update(extra)
    return data


def build_playbook(
    root: Path,
    stages: list[dict[str, Any]],
    *,
    language: str = "en",
    title: str = "Sales",
    techniques: list[str] = [],  # noqa: B006 - read only
) -> Path:
    """playbook/playbook.yml plus one stages/<id>.yml per stage, as a team would write them."""
    (root / "playbook").mkdir(parents=True)
    (root / "stages").mkdir()
    playbook = {"title": title, "language": language, "stages": [s["id"] for s in stages]}
    (root / "playbook" / "playbook.yml").write_text(yaml.safe_dump(playbook, allow_unicode=True), "utf-8")
    if techniques:
        library = {"techniques": [{"id": t, "name": t.upper(), "summary": f"The {t} technique."} for t in techniques]}
        (root / "playbook" / "techniques.yml").write_text(yaml.safe_dump(library), "utf-8")
    for stage in stages:
        text = yaml.safe_dump(stage, allow_unicode=True, sort_keys=False)
        (root / "stages" / f"{stage['id']}.yml").write_text(text, "utf-8")
    return root


def load(root: Path) -> Project:
    """The project as the CLI loads it."""
    project, diagnostics = validate_project(root)
    assert project is not None, [d.format() for d in diagnostics]
    return project


@pytest.fixture
def pipeline(tmp_path: Path) -> Project:
    """Three open stages with probabilities and stall limits; no closed stage."""
    return load(
        build_playbook(
            tmp_path,
            [
                stage_yaml("discovery", "Discovery", probability=10, max_days=14),
                stage_yaml("proposal", "Proposal", probability=50, max_days=21),
                stage_yaml("negotiation", "Negotiation", probability=80),
            ],
        )
    )


def text(export: Export, name: str | None = None) -> str:
    data = export.files[name] if name else next(iter(export.files.values()))
    return data.decode("utf-8")


# --- closed stages -----------------------------------------------------------------------------


def test_closed_won_and_lost_are_added_in_the_playbooks_language_with_a_note(pipeline: Project) -> None:
    export = export_project(pipeline, "hubspot")
    labels = [s["label"] for s in json.loads(text(export))["stages"]]
    assert labels == ["Discovery", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
    assert len(export.notes) == 2
    assert "Closed Won" in export.notes[0] and "closed: won" in export.notes[0]


def test_polish_playbook_gets_polish_closed_stages(tmp_path: Path) -> None:
    project = load(build_playbook(tmp_path, [stage_yaml("kwalifikacja", "Kwalifikacja", probability=20)], language="pl"))
    rows = list(csv.DictReader(io.StringIO(text(export_project(project, "csv")).lstrip("\ufeff"))))
    assert [(r["name"], r["closed"], r["probability"]) for r in rows] == [
        ("Kwalifikacja", "", "20"),
        ("Wygrana", "won", "100"),
        ("Przegrana", "lost", "0"),
    ]


def test_explicit_closed_stages_are_used_as_they_are(tmp_path: Path) -> None:
    project = load(
        build_playbook(
            tmp_path,
            [
                stage_yaml("demo", "Demo", probability=40),
                stage_yaml("signed", "Signed", probability=100, closed="won"),
                stage_yaml("dropped", "Dropped", probability=0, closed="lost"),
            ],
        )
    )
    export = export_project(project, "hubspot")
    stages = json.loads(text(export))["stages"]
    assert [(s["label"], s["metadata"]["isClosed"]) for s in stages] == [
        ("Demo", "false"),
        ("Signed", "true"),
        ("Dropped", "true"),
    ]
    assert export.notes == []


def test_each_crm_gets_the_stages_crm_name_where_set(tmp_path: Path) -> None:
    crm = {"hubspot": "Qualified to buy", "salesforce": "Qualification", "pipedrive": "Qualified"}
    project = load(build_playbook(tmp_path, [stage_yaml("qualify", "Qualify", probability=20, crm=crm),
                                             stage_yaml("demo", "Demo", probability=40)]))
    hubspot = [s["label"] for s in json.loads(text(export_project(project, "hubspot")))["stages"]]
    assert hubspot[:2] == ["Qualified to buy", "Demo"]
    values = ET.fromstring(export_project(project, "salesforce").files[
        "standardValueSets/OpportunityStage.standardValueSet"])
    assert [v.findtext(f"{NS}fullName") for v in values.findall(f"{NS}standardValue")][:2] == ["Qualification", "Demo"]
    assert [s["name"] for s in json.loads(text(export_project(project, "pipedrive")))] == ["Qualified", "Demo"]
    rows = list(csv.DictReader(io.StringIO(text(export_project(project, "csv")).lstrip("\ufeff"))))
    assert [r["name"] for r in rows][:2] == ["Qualify", "Demo"]  # the CSV is for any CRM: the playbook's names


def test_a_crm_name_only_for_one_crm_leaves_the_others_on_the_name(tmp_path: Path) -> None:
    project = load(build_playbook(tmp_path, [stage_yaml("qualify", "Qualify", probability=20,
                                                        crm={"salesforce": "Qualification"})]))
    assert json.loads(text(export_project(project, "hubspot")))["stages"][0]["label"] == "Qualify"


# --- Salesforce --------------------------------------------------------------------------------


def test_salesforce_is_a_deployable_mdapi_folder(pipeline: Project) -> None:
    export = export_project(pipeline, "salesforce")
    assert sorted(export.files) == [
        "package.xml",
        "pathAssistants/Playbook_Opportunity_Path.pathAssistant",
        "standardValueSets/OpportunityStage.standardValueSet",
    ]
    package = ET.fromstring(export.files["package.xml"])
    assert package.tag == f"{NS}Package"
    types = {t.findtext(f"{NS}name"): t.findtext(f"{NS}members") for t in package.findall(f"{NS}types")}
    assert types == {"PathAssistant": "Playbook_Opportunity_Path", "StandardValueSet": "OpportunityStage"}
    assert [child.tag for child in package] == [f"{NS}types", f"{NS}types", f"{NS}version"]


def test_salesforce_stage_values_follow_the_metadata_api(pipeline: Project) -> None:
    data = export_project(pipeline, "salesforce").files["standardValueSets/OpportunityStage.standardValueSet"]
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<StandardValueSet xmlns=')
    root = ET.fromstring(data)
    assert root.tag == f"{NS}StandardValueSet"
    assert root[0].tag == f"{NS}sorted" and root[0].text == "false"
    values = root.findall(f"{NS}standardValue")
    # Element order is the WSDL's: CustomValue fields, then StandardValue fields.
    assert [child.tag.removeprefix(NS) for child in values[0]] == [
        "fullName", "default", "label", "closed", "forecastCategory", "probability", "won",
    ]  # fmt: skip
    table = [
        tuple(v.findtext(f"{NS}{f}") for f in ("fullName", "label", "probability", "forecastCategory", "closed", "won"))
        for v in values
    ]
    assert table == [
        ("Discovery", "Discovery", "10", "Pipeline", "false", "false"),
        ("Proposal", "Proposal", "50", "Pipeline", "false", "false"),
        ("Negotiation", "Negotiation", "80", "Pipeline", "false", "false"),
        ("Closed Won", "Closed Won", "100", "Closed", "true", "true"),
        ("Closed Lost", "Closed Lost", "0", "Omitted", "true", "false"),
    ]


def test_salesforce_path_carries_each_stages_guidance(pipeline: Project) -> None:
    data = export_project(pipeline, "salesforce").files["pathAssistants/Playbook_Opportunity_Path.pathAssistant"]
    root = ET.fromstring(data)
    assert root.tag == f"{NS}PathAssistant"
    assert [child.tag.removeprefix(NS) for child in root] == [
        "active", "entityName", "fieldName", "masterLabel",
        "pathAssistantSteps", "pathAssistantSteps", "pathAssistantSteps", "recordTypeName",
    ]  # fmt: skip
    assert root.findtext(f"{NS}entityName") == "Opportunity"
    assert root.findtext(f"{NS}fieldName") == "StageName"
    assert root.findtext(f"{NS}masterLabel") == "Sales"
    assert root.findtext(f"{NS}recordTypeName") == "__MASTER__"
    step = root.find(f"{NS}pathAssistantSteps")
    assert step is not None
    assert [child.tag.removeprefix(NS) for child in step] == ["info", "picklistValueName"]
    assert step.findtext(f"{NS}picklistValueName") == "Discovery"
    assert step.findtext(f"{NS}info") == (
        "<p>What happens in Discovery.</p><p><b>Exit criteria</b></p><ul><li>Discovery is done</li></ul>"
    )


def test_salesforce_escapes_yaml_text_as_xml_and_as_rich_text(tmp_path: Path) -> None:
    name = "<script>alert(1)</script> & Co"
    project = load(
        build_playbook(
            tmp_path,
            [stage_yaml("demo", name, probability=40, summary="Use <b>bold</b> & win", exit_criteria=["a < b"])],
            title="R&D <pipeline>",
        )
    )
    files = export_project(project, "salesforce").files
    values = files["standardValueSets/OpportunityStage.standardValueSet"]
    assert b"<script>" not in values and b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in values
    root = ET.fromstring(values)
    assert root.find(f"{NS}standardValue/{NS}label").text == name  # type: ignore[union-attr]
    path = ET.fromstring(files["pathAssistants/Playbook_Opportunity_Path.pathAssistant"])
    assert path.findtext(f"{NS}masterLabel") == "R&D <pipeline>"
    info = path.findtext(f"{NS}pathAssistantSteps/{NS}info")
    # The rich text Salesforce renders holds the YAML text as text, never as markup.
    assert info == "<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; win</p><p><b>Exit criteria</b></p><ul><li>a &lt; b</li></ul>"


def test_salesforce_name_too_long_is_a_diagnostic_at_the_name(tmp_path: Path) -> None:
    project = load(build_playbook(tmp_path, [stage_yaml("long", "L" * 256, probability=10)]))
    with pytest.raises(ValidationFailed) as caught:
        export_project(project, "salesforce")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "salesforce-label-too-long"
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("stages/long.yml", 2, 7)
    assert "255" in diagnostic.message


def test_salesforce_guidance_too_long_is_a_diagnostic_at_the_summary(tmp_path: Path) -> None:
    project = load(
        build_playbook(tmp_path, [stage_yaml("demo", "Demo", probability=10, exit_criteria=["x" * 990])])
    )
    with pytest.raises(ValidationFailed) as caught:
        export_project(project, "salesforce")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "salesforce-guidance-too-long"
    assert (diagnostic.file, diagnostic.line) == ("stages/demo.yml", 3)


def test_salesforce_duplicate_names_ignoring_case(tmp_path: Path) -> None:
    project = load(
        build_playbook(tmp_path, [stage_yaml("a", "Demo", probability=10), stage_yaml("b", "DEMO", probability=20)])
    )
    with pytest.raises(ValidationFailed) as caught:
        export_project(project, "salesforce")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "salesforce-duplicate-label"
    assert diagnostic.file == "stages/b.yml" and "stage 'a'" in diagnostic.message


# --- HubSpot -----------------------------------------------------------------------------------


def test_hubspot_body_is_what_the_pipelines_api_takes(pipeline: Project) -> None:
    export = export_project(pipeline, "hubspot")
    assert list(export.files) == ["hubspot-pipeline.json"]
    body = json.loads(text(export))
    assert list(body) == ["label", "displayOrder", "stages"]
    assert body["label"] == "Sales" and body["displayOrder"] == 0
    assert body["stages"][0] == {
        "label": "Discovery",
        "displayOrder": 0,
        "metadata": {"probability": "0.1", "isClosed": "false"},
    }
    assert [s["displayOrder"] for s in body["stages"]] == [0, 1, 2, 3, 4]
    assert body["stages"][3]["metadata"] == {"probability": "1.0", "isClosed": "true"}
    assert body["stages"][4]["metadata"] == {"probability": "0.0", "isClosed": "true"}


def test_hubspot_duplicate_label_with_an_added_closed_stage_points_at_the_users_stage(tmp_path: Path) -> None:
    project = load(build_playbook(tmp_path, [stage_yaml("won", "closed won", probability=90)]))
    with pytest.raises(ValidationFailed) as caught:
        export_project(project, "hubspot")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "hubspot-duplicate-label"
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("stages/won.yml", 2, 7)
    assert "closed: won" in diagnostic.message


def test_hubspot_refuses_probabilities_it_cannot_hold(tmp_path: Path) -> None:
    project = load(
        build_playbook(
            tmp_path,
            [
                stage_yaml("a", "A", probability=25),
                stage_yaml("b", "B"),
                stage_yaml("c", "C", probability=0),
            ],
        )
    )
    with pytest.raises(ValidationFailed) as caught:
        export_project(project, "hubspot")
    found = {(d.file, d.code) for d in caught.value.diagnostics}
    assert found == {
        ("stages/a.yml", "hubspot-probability-step"),
        ("stages/b.yml", "hubspot-missing-probability"),
        ("stages/c.yml", "hubspot-open-stage-probability"),
    }
    step = next(d for d in caught.value.diagnostics if d.code == "hubspot-probability-step")
    lines = (tmp_path / "stages" / "a.yml").read_text().splitlines()
    assert lines[step.line - 1] == "probability: 25"


# --- Pipedrive ---------------------------------------------------------------------------------


def test_pipedrive_stage_objects_use_the_stages_api_fields(pipeline: Project) -> None:
    export = export_project(pipeline, "pipedrive")
    assert list(export.files) == ["pipedrive-stages.json"]
    assert json.loads(text(export)) == [
        {"name": "Discovery", "order_nr": 1, "deal_probability": 10, "rotten_flag": True, "rotten_days": 14},
        {"name": "Proposal", "order_nr": 2, "deal_probability": 50, "rotten_flag": True, "rotten_days": 21},
        {"name": "Negotiation", "order_nr": 3, "deal_probability": 80, "rotten_flag": False},
    ]
    assert export.notes == []  # Pipedrive closes deals by status: nothing is added


def test_pipedrive_leaves_closed_stages_out_and_says_so(tmp_path: Path) -> None:
    project = load(
        build_playbook(
            tmp_path, [stage_yaml("demo", "Demo", probability=40), stage_yaml("won", "Won", probability=100, closed="won")]
        )
    )
    export = export_project(project, "pipedrive")
    assert [s["name"] for s in json.loads(text(export))] == ["Demo"]
    assert len(export.notes) == 1 and "Won" in export.notes[0]


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_has_a_header_and_every_field(tmp_path: Path) -> None:
    stage = stage_yaml(
        "demo",
        "Demo",
        probability=40,
        max_days=10,
        exit_criteria=["Champion named", {"text": "Budget known", "evidence": "email"}],
        techniques=["spin"],
        signals=["asks for price", "brings a colleague"],
    )
    data = export_project(load(build_playbook(tmp_path, [stage], techniques=["spin"])), "csv").files["stages.csv"]
    assert data.startswith(b"\xef\xbb\xbfposition,id,name,summary,")
    assert b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["exit_criteria"] == "Champion named\nBudget known (evidence: email)"
    assert rows[0]["signals"] == "asks for price\nbrings a colleague"
    assert rows[0]["techniques"] == "spin"
    assert (rows[0]["probability"], rows[0]["max_days"], rows[0]["closed"]) == ("40", "10", "")
    assert [r["position"] for r in rows] == ["1", "2", "3"]


def test_a_polish_csv_names_the_evidence_in_polish(tmp_path: Path) -> None:
    stage = stage_yaml("demo", "Demo", exit_criteria=[{"text": "Budżet znany", "evidence": "e-mail"}])
    data = export_project(load(build_playbook(tmp_path, [stage], language="pl")), "csv").files["stages.csv"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["exit_criteria"] == "Budżet znany (dowód: e-mail)"


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1", "-1+2", "@SUM(A1)", "\tx"])
def test_csv_defuses_spreadsheet_formulas(tmp_path: Path, payload: str) -> None:
    project = load(build_playbook(tmp_path, [stage_yaml("demo", payload, probability=10, summary=payload)]))
    data = export_project(project, "csv").files["stages.csv"].decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(data, newline="")))
    assert row["name"] == "'" + payload and row["summary"] == "'" + payload


# --- determinism and writing -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["salesforce", "hubspot", "pipedrive", "csv"])
def test_same_playbook_same_bytes(tmp_path: Path, fmt: str) -> None:
    stages = [stage_yaml("zazolc", "Zażółć gęślą", probability=30, max_days=5), stage_yaml("b", "B", probability=60)]
    first = export_project(load(build_playbook(tmp_path / "one", stages, language="pl")), fmt)
    second = export_project(load(build_playbook(tmp_path / "two", stages, language="pl")), fmt)
    assert first.files == second.files
    assert all(data.endswith(b"\n") for data in first.files.values())
    # ensure_ascii=False and UTF-8 throughout: real letters, not \u escapes or character references
    assert any("Zażółć gęślą".encode() in data for data in first.files.values())


def test_salesforce_is_written_file_by_file_into_the_folder(pipeline: Project, tmp_path: Path) -> None:
    export = export_project(pipeline, "salesforce")
    out = tmp_path / "sf"
    (out / "standardValueSets").mkdir(parents=True)
    (out / "standardValueSets" / "Other.standardValueSet").write_text("keep me")
    written = write_export(export, out, io.BytesIO())
    assert sorted(p.relative_to(out).as_posix() for p in written) == sorted(export.files)
    for relative, data in export.files.items():
        assert (out / relative).read_bytes() == data
    assert (out / "standardValueSets" / "Other.standardValueSet").read_text() == "keep me"


def test_salesforce_needs_an_output_folder(pipeline: Project) -> None:
    with pytest.raises(UserError, match="-o"):
        write_export(export_project(pipeline, "salesforce"), None, io.BytesIO())


def test_single_file_formats_go_to_stdout_or_to_the_file(pipeline: Project, tmp_path: Path) -> None:
    export = export_project(pipeline, "hubspot")
    stdout = io.BytesIO()
    assert write_export(export, None, stdout) == []
    assert stdout.getvalue() == export.files["hubspot-pipeline.json"]
    target = tmp_path / "out" / "pipeline.json"
    assert write_export(export, target, io.BytesIO()) == [target]
    assert target.read_bytes() == export.files["hubspot-pipeline.json"]


def test_unknown_format_is_a_user_error(pipeline: Project) -> None:
    with pytest.raises(UserError, match="hubspot, salesforce, pipedrive, csv"):
        export_project(pipeline, "excel")



# --- the command line --------------------------------------------------------------------------


def run_cli(*args: str) -> Any:
    from click.testing import CliRunner

    from playbookgen.cli import main

    return CliRunner().invoke(main, list(args))


def test_cli_exports_hubspot_to_stdout_and_notes_to_stderr(tmp_path: Path) -> None:
    root = build_playbook(tmp_path / "pb", [stage_yaml("demo", "Demo", probability=40)])
    result = run_cli("export", "--to", "hubspot", str(root))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stages"][0]["label"] == "Demo"
    assert "note:" in result.stderr and "Closed Won" in result.stderr


def test_cli_writes_salesforce_folder(tmp_path: Path) -> None:
    root = build_playbook(tmp_path / "pb", [stage_yaml("demo", "Demo", probability=40)])
    out = tmp_path / "force-app"
    result = run_cli("export", "--to", "salesforce", str(root), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert (out / "package.xml").is_file()
    assert (out / "standardValueSets" / "OpportunityStage.standardValueSet").is_file()
    assert result.stdout == ""


def test_cli_salesforce_without_output_is_a_usage_error(tmp_path: Path) -> None:
    root = build_playbook(tmp_path / "pb", [stage_yaml("demo", "Demo", probability=40)])
    result = run_cli("export", "--to", "salesforce", str(root))
    assert result.exit_code == 2
    assert "-o" in result.stderr


def test_cli_reports_crm_limits_with_file_line_column(tmp_path: Path) -> None:
    root = build_playbook(tmp_path / "pb", [stage_yaml("demo", "Demo", probability=45)])
    out = tmp_path / "pipeline.json"
    result = run_cli("export", "--to", "hubspot", str(root), "-o", str(out))
    assert result.exit_code == 1
    assert "stages/demo.yml:" in result.stderr and "[hubspot-probability-step]" in result.stderr
    assert not out.exists()


def test_cli_stops_on_an_invalid_playbook(tmp_path: Path) -> None:
    root = build_playbook(tmp_path / "pb", [stage_yaml("demo", "Demo", probability=400)])
    result = run_cli("export", "--to", "csv", str(root))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "stages/demo.yml:" in result.stderr


# --- the playbooks we ship ---------------------------------------------------------------------


def _shipped_playbooks(tmp_path: Path) -> list[Path]:
    from conftest import REPO
    from playbookgen.starters import available_starters, init_project

    roots = [REPO]
    for name in available_starters():
        for language in ("pl", "en"):
            init_project(tmp_path / f"{name}-{language}", name, language)
            roots.append(tmp_path / f"{name}-{language}")
    return roots


@pytest.mark.parametrize("fmt", ["salesforce", "hubspot", "pipedrive", "csv"])
def test_every_shipped_playbook_exports_cleanly(tmp_path: Path, fmt: str) -> None:
    """The repository's playbook and every starter load into each CRM without a diagnostic."""
    from conftest import run_cli

    for root in _shipped_playbooks(tmp_path):
        out = tmp_path / "out" / f"{root.name}-{fmt}"
        result = run_cli("export", "--to", fmt, root, "-o", out)
        assert result.exit_code == 0, f"{root.name}: {result.stderr}"
        assert out.exists()


@pytest.mark.parametrize("target", ["stages/01-first.yml", "playbook", "stages/new.json", "."])
def test_export_never_overwrites_the_playbooks_own_files(tmp_path: Path, target: str) -> None:
    from conftest import MINIMAL_PLAYBOOK, build_file_tree, run_cli

    root = build_file_tree(tmp_path / "p", MINIMAL_PLAYBOOK)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for fmt in ("csv", "salesforce"):
        result = run_cli("export", "--to", fmt, root, "-o", root / target)
        assert result.exit_code == 2
        assert "would overwrite the playbook's own files" in result.stderr
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
