"""The page-wide checks the browser tests share: axe-core for accessibility and the Nu
HTML Checker for validity. Both tools are pinned in package.json; `make test` installs
them into node_modules."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def axe_violations(page, axe_source, within=None):
    """axe's findings on the page, or only inside the elements matching `within`."""
    page.evaluate(axe_source)
    return page.evaluate(
        """async (within) => {
            const context = within ? {include: [[within]]} : document;
            const results = await axe.run(context, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "), summary: n.failureSummary,
                })),
            }));
        }""",
        within,
    )


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def run_vnu(files):
    """The checker's errors, per file; one run for all of them."""
    if not VNU.exists():
        pytest.fail(f"{VNU} not found: `make test` installs it (npm ci)")
    java = shutil.which("java")
    if not java:
        pytest.fail("java not found: the Nu HTML Checker needs Java 11 or newer")
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The report goes to standard error.
    report = json.loads(result.stderr)
    errors = {}
    for message in report["messages"]:
        path = Path(re.sub(r"^file:", "", message.get("url", "")))
        errors.setdefault(path.name, []).append(message)
    return errors
