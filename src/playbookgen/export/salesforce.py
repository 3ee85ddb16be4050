"""Salesforce: Metadata API source for the OpportunityStage picklist and a Path with each stage's guidance.

Layout and element order follow the Metadata API (mdapi format, deployable with
``sf project deploy start --metadata-dir``): package.xml, standardValueSets/, pathAssistants/.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from ..errors import Diagnostic
from ..i18n import CRM_GUIDANCE_HEADING, EXAMPLE_VALUES_COMMENT
from ..model import Project
from ._stages import CrmStage, crm_stages, duplicates, refuse, stage_error

NAMESPACE = "http://soap.sforce.com/2006/04/metadata"
API_VERSION = "60.0"
PATH_NAME = "Playbook_Opportunity_Path"

# OpportunityStage.ApiName and MasterLabel are 255 characters (Salesforce field reference).
MAX_VALUE_LENGTH = 255
# Path "Guidance for Success" holds at most 1,000 characters of rich text.
MAX_GUIDANCE_LENGTH = 1000

STANDARD_VALUE_SET = "standardValueSets/OpportunityStage.standardValueSet"
PATH_ASSISTANT = f"pathAssistants/{PATH_NAME}.pathAssistant"
PACKAGE = "package.xml"


# XML 1.0 cannot carry these characters at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def export(project: Project) -> tuple[dict[str, bytes], list[str]]:
    """The metadata folder under the stages' Salesforce names; refused where Salesforce would refuse it."""
    stages, notes = crm_stages(project, "salesforce")
    refuse(check(project, stages))
    return render(project, stages), notes


def check(project: Project, stages: list[CrmStage]) -> list[Diagnostic]:
    """What Salesforce would reject: over-long names, duplicate values, over-long guidance."""
    found = duplicates(project, stages, "salesforce-duplicate-label", "Salesforce")
    for stage in stages:
        if len(stage.name) > MAX_VALUE_LENGTH:
            found.append(
                stage_error(
                    project, stage, "name", "salesforce-label-too-long",
                    f"Salesforce stage names are at most {MAX_VALUE_LENGTH} characters; "
                    f"this one has {len(stage.name)}",
                )
            )
        info = guidance(stage, project.playbook.language)
        if info is not None and len(info) > MAX_GUIDANCE_LENGTH:
            found.append(
                stage_error(
                    project, stage, "summary", "salesforce-guidance-too-long",
                    f"the Salesforce Path guidance for stage '{stage.name}' (summary and exit criteria, as rich "
                    f"text) would be {len(info)} characters; Salesforce allows {MAX_GUIDANCE_LENGTH}: "
                    "shorten the summary or the exit criteria",
                )
            )
    return found


def render(project: Project, stages: list[CrmStage]) -> dict[str, bytes]:
    """The deployable source folder: relative path -> file content."""
    return {
        PACKAGE: _document(_package()),
        PATH_ASSISTANT: _document(_path_assistant(project, stages)),
        STANDARD_VALUE_SET: _document(_standard_value_set(stages, _examples_comment(project))),
    }


def _examples_comment(project: Project) -> str | None:
    """The comment that says the probabilities are example values, while the playbook says they are."""
    if not project.playbook.values_are_examples:
        return None
    return EXAMPLE_VALUES_COMMENT[project.playbook.language]


def forecast_category(stage: CrmStage) -> str:
    """Salesforce's own defaults: open stages count as Pipeline, won as Closed, lost as Omitted."""
    if stage.closed == "won":
        return "Closed"
    if stage.closed == "lost":
        return "Omitted"
    return "Pipeline"


def guidance(stage: CrmStage, language: str) -> str | None:
    """The Path's rich-text guidance: the summary, then the exit criteria, all escaped as HTML."""
    if stage.source is None:
        return None
    items = "".join(f"<li>{html.escape(criterion.text)}</li>" for criterion in stage.source.exit_criteria)
    return (
        f"<p>{html.escape(stage.source.summary)}</p>"
        f"<p><b>{CRM_GUIDANCE_HEADING[language]}</b></p><ul>{items}</ul>"
    )


def _standard_value_set(stages: list[CrmStage], comment: str | None = None) -> ET.Element:
    root = _root("StandardValueSet")
    if comment is not None:
        root.append(ET.Comment(f" {comment} "))
    _child(root, "sorted", "false")
    for stage in stages:
        value = _child(root, "standardValue")
        # CustomValue's fields come first, then StandardValue's, each alphabetical, as the WSDL orders them.
        _child(value, "fullName", stage.name)
        _child(value, "default", "false")
        _child(value, "label", stage.name)
        _child(value, "closed", _bool(stage.is_closed))
        _child(value, "forecastCategory", forecast_category(stage))
        if stage.probability is not None:
            _child(value, "probability", str(stage.probability))
        _child(value, "won", _bool(stage.won))
    return root


def _path_assistant(project: Project, stages: list[CrmStage]) -> ET.Element:
    root = _root("PathAssistant")
    _child(root, "active", "true")
    _child(root, "entityName", "Opportunity")
    _child(root, "fieldName", "StageName")
    _child(root, "masterLabel", project.playbook.title)
    for stage in stages:
        info = guidance(stage, project.playbook.language)
        if info is None:
            continue  # a step left out is a step without guidance, not a missing stage
        step = _child(root, "pathAssistantSteps")
        _child(step, "info", info)
        _child(step, "picklistValueName", stage.name)
    _child(root, "recordTypeName", "__MASTER__")
    return root


def _package() -> ET.Element:
    root = _root("Package")
    for name, member in (("PathAssistant", PATH_NAME), ("StandardValueSet", "OpportunityStage")):
        types = _child(root, "types")
        _child(types, "members", member)
        _child(types, "name", name)
    _child(root, "version", API_VERSION)
    return root


def _root(tag: str) -> ET.Element:
    # A plain xmlns attribute keeps the default namespace without touching ElementTree's global registry.
    return ET.Element(tag, {"xmlns": NAMESPACE})


def _child(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _document(root: ET.Element) -> bytes:
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()
