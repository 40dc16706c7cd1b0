"""The verdict: the first declared rule whose conditions all hold over the step results."""

from __future__ import annotations

from collections.abc import Mapping

from bot.diagnostics.declarations import ChecklistDecl, RuleDecl, When
from bot.diagnostics.report import Verdict, VerdictCode
from bot.diagnostics.runner import Ran


def decide_verdict(decl: ChecklistDecl, ran: Mapping[str, Ran]) -> Verdict:
    for rule in decl.rules:
        if rule.when and all(_holds(w, ran) for w in rule.when):
            return _verdict(rule, ran)
    return _verdict(decl.fallback, ran)


def _holds(when: When, ran: Mapping[str, Ran]) -> bool:
    step = ran.get(when.step)
    if step is None or step.result.status not in when.status:
        return False
    return when.finding is None or step.finding == when.finding


def _verdict(rule: RuleDecl, ran: Mapping[str, Ran]) -> Verdict:
    first = ran.get(rule.when[0].step) if rule.when else None
    fields = {
        "summary": first.result.summary if first else "",
        "remedy": (first.result.remedy or "") if first else "",
        "finding": (first.finding or "") if first else "",
    }
    return Verdict(
        code=rule.verdict,
        headline=without_label(rule.verdict, rule.headline.format_map(fields)),
        next_action=rule.next_action.format_map(fields),
    )


def without_label(code: VerdictCode, headline: str) -> str:
    """ "Healthy: bounce rate ..." under the verdict *Healthy* says it twice: drop the label."""
    label = code.value.replace("_", " ") + ":"
    if not headline.lower().startswith(label):
        return headline
    rest = headline[len(label) :].strip()
    return rest[:1].upper() + rest[1:]
