"""The engine: memoised facts, concurrency, failures as UNKNOWN, skipped steps, validation."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bot.diagnostics.checks.base import Outcome, passed
from bot.diagnostics.declarations import load_checklist
from bot.diagnostics.factstore import Fact, FactContext, FactStore, Known, Missing
from bot.diagnostics.report import StepStatus
from bot.diagnostics.runner import run_checklist
from bot.errors import ApiServerError, ChecklistError
from bot.qboxmail.recording import CallLog, recording
from bot.recognition.targets import Target, TargetKind
from tests.diagnostics.canned import NOW, CannedQboxmail, account


def _ctx(api: Any) -> FactContext:
    return FactContext(
        api=api, target=Target(TargetKind.ACCOUNT_ID, "4127"), now=NOW, scan_budget=5
    )


async def _account(ctx: FactContext, known: Known) -> Any:
    return await ctx.api.delivery_account(4127)


async def _boom(ctx: FactContext, known: Known) -> Any:
    raise ApiServerError("Internal error", method="GET", path="/api/x", status=500)


async def _suppression(ctx: FactContext, known: Known) -> Any:
    return await ctx.api.suppression_details("anna@example.com")


ACCOUNT: Fact[Any] = Fact("account", _account)
BOOM: Fact[Any] = Fact("boom", _boom)
SUPP: Fact[Any] = Fact("supp", _suppression)
DERIVED: Fact[Any] = Fact("derived", lambda ctx, known: _derived(known), needs=(ACCOUNT,))


async def _derived(known: Known) -> Any:
    return known[ACCOUNT].id


FACTS = {f.name: f for f in (ACCOUNT, BOOM, SUPP, DERIVED)}


def ok(known: Known) -> Outcome:
    return passed("fine")


def explode(known: Known) -> Outcome:
    raise ValueError("bad data")


CHECKS = {"ok": ok, "explode": explode}


def step(
    step_id: str, needs: list[str], check: str = "ok", after: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "id": step_id,
        "title": step_id,
        "needs": needs,
        "check": check,
        "after": list(after),
        "concludes": "x",
        "remedy": "do y",
    }


def declaration(*steps: dict[str, Any], rules: list[Any] | None = None) -> dict[str, Any]:
    return {
        "id": "t",
        "title": "T",
        "steps": list(steps),
        "rules": rules or [],
        "fallback": {"verdict": "unknown", "headline": "h", "next_action": "n"},
    }


async def _run(api: CannedQboxmail, *steps: dict[str, Any]) -> dict[str, Any]:
    decl = load_checklist(declaration(*steps), facts=FACTS, checks=CHECKS)
    store = FactStore(_ctx(api.client), FACTS)
    with recording(CallLog()) as log:
        ran = await run_checklist(decl, store, CHECKS)
        await store.aclose()
    return {"ran": ran, "log": log}


async def test_a_fact_needed_by_several_steps_is_fetched_once() -> None:
    api = CannedQboxmail(accounts={4127: account()})
    out = await _run(
        api, step("a", ["account"]), step("b", ["account", "derived"]), step("c", ["derived"])
    )
    assert api.requests == ["delivery_account"]
    assert out["log"].calls == 1
    assert all(r.result.status == StepStatus.PASS for r in out["ran"].values())


class OverlapApi(CannedQboxmail):
    """Each answer waits until the other call is in flight: only concurrent fetching finishes."""

    def __init__(self) -> None:
        super().__init__(accounts={4127: account()})
        self.barrier = asyncio.Barrier(2)

    async def respond(
        self, name: str, path: dict[str, str], request: httpx.Request
    ) -> httpx.Response:
        await asyncio.wait_for(self.barrier.wait(), timeout=5)
        return await super().respond(name, path, request)


async def test_independent_facts_are_in_flight_together() -> None:
    api = OverlapApi()
    out = await _run(api, step("a", ["account"]), step("b", ["supp"]))
    assert [r.result.status for r in out["ran"].values()] == [StepStatus.PASS, StepStatus.PASS]
    assert out["log"].depth == 1  # both at the first level of the chain


async def test_dependent_facts_deepen_the_chain() -> None:
    api = CannedQboxmail(accounts={4127: account()})
    out = await _run(api, step("a", ["derived"]))
    assert out["log"].depth == 1  # derived costs no call of its own


async def test_a_failing_fetch_is_unknown_and_other_steps_still_run() -> None:
    api = CannedQboxmail(accounts={4127: account()})
    out = await _run(api, step("a", ["boom"]), step("b", ["account"]))
    a, b = out["ran"]["a"].result, out["ran"]["b"].result
    assert a.status == StepStatus.UNKNOWN
    assert a.error is not None
    assert "Internal error" in a.error
    assert "500" in a.error
    assert b.status == StepStatus.PASS


async def test_an_exception_inside_a_check_is_unknown_never_pass() -> None:
    out = await _run(CannedQboxmail(), step("a", [], check="explode"))
    result = out["ran"]["a"].result
    assert result.status == StepStatus.UNKNOWN
    assert "bad data" in (result.error or "")


async def test_a_step_whose_prerequisite_did_not_pass_is_skipped() -> None:
    out = await _run(CannedQboxmail(), step("a", ["boom"]), step("b", [], after=("a",)))
    skipped = out["ran"]["b"].result
    assert skipped.status == StepStatus.UNKNOWN
    assert skipped.skipped_because == "a did not pass (unknown)"


async def test_missing_dependency_makes_the_dependent_fact_missing() -> None:
    store = FactStore(_ctx(CannedQboxmail().client), FACTS)
    value = await store.get(DERIVED)
    assert isinstance(value, Missing)
    assert value.reason.startswith("needs account:")
    await store.aclose()


@pytest.mark.parametrize(
    ("decl", "message"),
    [
        (declaration(step("a", ["nope"])), "unknown fact 'nope'"),
        (declaration(step("a", [], check="nope")), "unknown check function 'nope'"),
        (declaration(step("a", [], after=("zz",))), "unknown prerequisite 'zz'"),
        (declaration(step("a", [], after=("b",)), step("b", [], after=("a",))), "cycle"),
        (declaration(step("a", []), step("a", [])), "declared twice"),
        (
            declaration(
                step("a", []),
                rules=[
                    {
                        "when": [{"step": "q"}],
                        "verdict": "bounced",
                        "headline": "h",
                        "next_action": "n",
                    }
                ],
            ),
            "unknown step 'q'",
        ),
        (
            declaration(
                step("a", []),
                rules=[
                    {
                        "when": [{"step": "a"}],
                        "verdict": "bounced",
                        "headline": "{oops}",
                        "next_action": "n",
                    }
                ],
            ),
            "{oops}",
        ),
        (
            declaration(
                step("a", []),
                rules=[
                    {
                        "when": [{"step": "a"}],
                        "verdict": "exploded",
                        "headline": "h",
                        "next_action": "n",
                    }
                ],
            ),
            "invalid declaration",
        ),
    ],
    ids=[
        "unknown-fact",
        "unknown-check",
        "dangling-prerequisite",
        "cycle",
        "duplicate-step",
        "rule-unknown-step",
        "rule-unknown-template-field",
        "unknown-verdict-code",
    ],
)
def test_invalid_checklists_are_refused_at_load(decl: dict[str, Any], message: str) -> None:
    with pytest.raises(ChecklistError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_checklist(decl, facts=FACTS, checks=CHECKS)


def test_every_shipped_checklist_validates() -> None:
    from bot.diagnostics.checklists import CHECKLISTS, load_all

    assert set(load_all()) == set(CHECKLISTS)

    def guide_steps(checklist: str) -> int:  # the deeper level adds steps of its own
        return sum(not step.deep for step in CHECKLISTS[checklist].steps)

    assert guide_steps("send_rejected") == 8
    assert guide_steps("accepted_missing") == 6
    assert guide_steps("hosting_inactive") == 4
    assert all(
        any(s.deep for s in c.steps)
        for c in CHECKLISTS.values()
        if c.id not in ("accepted_missing", "management_error")
    )
