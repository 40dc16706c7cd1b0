"""Checklists as data: pydantic declarations, validated (cross-references too) at start-up.

A checklist is steps (the facts each needs, its prerequisite steps, the name of its check,
what it concludes, its remedy) and verdict rules (conditions over step results, first
match wins, then a fallback). `validate_checklist` raises ChecklistError on an unknown
fact or check, a dangling or cyclic prerequisite, or a rule naming an unknown step.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.diagnostics.report import StepStatus, VerdictCode
from bot.errors import ChecklistError

TEMPLATE_FIELDS = frozenset({"summary", "remedy", "finding"})


class Decl(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StepDecl(Decl):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    needs: tuple[str, ...] = ()
    after: tuple[str, ...] = ()  # prerequisite steps: skipped unless they passed (or warned)
    check: str
    concludes: str  # what a pass means, in words
    remedy: str
    deep: bool = False  # only in a deeper trace


class When(Decl):
    step: str
    status: tuple[StepStatus, ...] = (StepStatus.FAIL,)
    finding: str | None = None


class RuleDecl(Decl):
    """When every condition holds: this verdict. Templates may use {summary} {remedy} {finding}
    of the first condition's step."""

    when: tuple[When, ...] = ()
    verdict: VerdictCode
    headline: str
    next_action: str


class ChecklistDecl(Decl):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    steps: tuple[StepDecl, ...] = Field(min_length=1)
    rules: tuple[RuleDecl, ...] = ()
    fallback: RuleDecl

    def step(self, step_id: str) -> StepDecl:
        return next(s for s in self.steps if s.id == step_id)


def load_checklist(
    data: Mapping[str, Any], *, facts: Mapping[str, object], checks: Mapping[str, object]
) -> ChecklistDecl:
    """Parse and validate one declaration; ChecklistError names every problem."""
    try:
        decl = ChecklistDecl.model_validate(data)
    except ValidationError as error:
        name = data.get("id", "?")
        raise ChecklistError(f"checklist {name}: invalid declaration:\n{error}") from None
    problems = cross_reference_problems(decl, facts=facts, checks=checks)
    if problems:
        raise ChecklistError(f"checklist {decl.id}: " + "; ".join(problems))
    return decl


def cross_reference_problems(
    decl: ChecklistDecl, *, facts: Mapping[str, object], checks: Mapping[str, object]
) -> list[str]:
    ids = [s.id for s in decl.steps]
    problems = [f"step {i!r} declared twice" for i in sorted(set(ids)) if ids.count(i) > 1]
    for step in decl.steps:
        problems += [f"step {step.id}: unknown fact {n!r}" for n in step.needs if n not in facts]
        if step.check not in checks:
            problems.append(f"step {step.id}: unknown check function {step.check!r}")
        problems += [
            f"step {step.id}: unknown prerequisite {p!r}" for p in step.after if p not in ids
        ]
    problems += _cycle_problems(decl)
    for rule in (*decl.rules, decl.fallback):
        problems += _rule_problems(rule, ids)
    return problems


def _rule_problems(rule: RuleDecl, ids: list[str]) -> list[str]:
    problems = [
        f"rule {rule.verdict}: unknown step {w.step!r}" for w in rule.when if w.step not in ids
    ]
    for text in (rule.headline, rule.next_action):
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        problems += [
            f"rule {rule.verdict}: unknown template field {{{n}}}" for n in used - TEMPLATE_FIELDS
        ]
    return problems


def _cycle_problems(decl: ChecklistDecl) -> list[str]:
    after = {s.id: s.after for s in decl.steps}
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> str | None:
        if node in path:
            return " -> ".join((*path[path.index(node) :], node))
        if node in done or node not in after:
            return None
        for prerequisite in after[node]:
            cycle = visit(prerequisite, (*path, node))
            if cycle:
                return cycle
        done.add(node)
        return None

    for step_id in after:
        cycle = visit(step_id, ())
        if cycle:
            return [f"prerequisites form a cycle: {cycle}"]
    return []
