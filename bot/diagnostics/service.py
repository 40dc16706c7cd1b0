"""TraceService: given a target, pick its checklist, run it against Qboxmail, return a Report."""

from __future__ import annotations

import time

from bot.clocks import Monotonic, WallClock
from bot.diagnostics.assembly import (
    escalation_bundle,
    located_of,
    log_refs,
    related_targets,
    search_notes,
    wants_bundle,
)
from bot.diagnostics.checklists import CHECKLISTS
from bot.diagnostics.checks import CHECKS
from bot.diagnostics.facts import FACTS
from bot.diagnostics.factstore import FactContext, FactStore, RunOptions
from bot.diagnostics.ledger_lookup import LedgerLookup
from bot.diagnostics.report import ProgressCallback, Report
from bot.diagnostics.routing import FORCED, choose_checklist
from bot.diagnostics.runner import run_checklist
from bot.diagnostics.verdict import decide_verdict
from bot.qboxmail.reads import QboxmailApi
from bot.qboxmail.recording import CallLog, recording
from bot.recognition.grammar import CheckKind, check_target
from bot.recognition.targets import Target


class TraceService:
    """Runs Qboxmail's troubleshooting checklists. One instance serves many concurrent traces."""

    def __init__(
        self,
        api: QboxmailApi,
        *,
        simulated: bool,
        scan_budget: int,
        clock: WallClock,
        ledger: LedgerLookup | None = None,
        timer: Monotonic = time.perf_counter,
    ) -> None:
        self._api = api
        self._simulated = simulated
        self._scan_budget = scan_budget
        self._clock = clock
        self._ledger = ledger
        self._timer = timer

    async def trace(
        self,
        target: Target,
        *,
        deep: bool = False,
        progress: ProgressCallback | None = None,
        token_prefix: str | None = None,
        client_ip: str | None = None,
    ) -> Report:
        """Trace what was given with the checklist its kind calls for."""
        options = RunOptions(deep=deep, token_prefix=token_prefix, client_ip=client_ip)
        return await self._run(target, None, options, progress)

    async def check(
        self,
        kind: CheckKind,
        value: str,
        *,
        deep: bool = False,
        progress: ProgressCallback | None = None,
        token_prefix: str | None = None,
        client_ip: str | None = None,
    ) -> Report:
        """Run the checklist of one kind (request, message, domain, mailbox, recipient,
        account) on `value`. Raises InputError when the value is not of that kind."""
        named = check_target(kind, value)
        options = RunOptions(deep, token_prefix, client_ip, named.message_id)
        return await self._run(named.target, FORCED.get(named.kind), options, progress)

    async def _run(
        self,
        target: Target,
        forced: str | None,
        options: RunOptions,
        progress: ProgressCallback | None,
    ) -> Report:
        started, now = self._timer(), self._clock()
        ctx = FactContext(self._api, target, now, self._scan_budget, self._ledger, options)
        store = FactStore(ctx, FACTS)
        with recording(CallLog()) as log:  # the requester counts every call of this run
            try:
                return await self._report(target, forced, store, log, progress, started)
            finally:
                await store.aclose()

    async def _report(
        self,
        target: Target,
        forced: str | None,
        store: FactStore,
        log: CallLog,
        progress: ProgressCallback | None,
        started: float,
    ) -> Report:
        decl = CHECKLISTS[forced or await choose_checklist(target, store)]
        deep = store.ctx.options.deep
        ran = await run_checklist(decl, store, CHECKS, deep=deep, progress=progress)
        if log.first_unreachable is not None and log.succeeded == 0:
            raise log.first_unreachable
        verdict = decide_verdict(decl, ran)
        steps = tuple(r.result for r in ran.values())
        located = await located_of(store)
        bundle = None
        if wants_bundle(decl.id, verdict):
            bundle = await escalation_bundle(target, store, located, steps)
        return Report(
            checklist=decl.id,
            title=decl.title,
            target=target,
            verdict=verdict,
            steps=steps,
            generated_at=store.ctx.now,
            simulated=self._simulated,
            deep=deep,
            api_calls=log.calls,
            duration_ms=round((self._timer() - started) * 1000, 1),
            bundle=bundle,
            logs=log_refs(ran),
            notes=search_notes(located, self._scan_budget),
            related=related_targets(target, located),
            api_depth=log.depth,
        )
