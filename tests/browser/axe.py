"""axe-core (from npm, installed at set-up) run in the page: WCAG 2.2 A and AA, and AAA's 7:1 contrast."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def load_axe(context) -> None:
    """axe in every page of `context` from the start, rather than added to each page."""
    context.add_init_script(path=str(AXE))


def run_axe(page, rules=None):
    """axe-core (from npm) on the current page; returns its violations. Every WCAG 2.2 A and
    AA rule, plus AAA's 7:1 text contrast (color-contrast-enhanced), or only `rules` (ids)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", axe_options(rules))
    return violations(result)


def axe_options(rules=None):
    """axe.run's options: the WCAG 2.2 A and AA rules and AAA's contrast, or only `rules`."""
    if rules is None:
        return {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "wcag2aaa"]}}
    return {"runOnly": {"type": "rule", "values": list(rules)}}


def violations(result):
    """axe.run's result, cut to what a failing test should show."""
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5], "help": v["help"]}
        for v in result["violations"]
    ]
