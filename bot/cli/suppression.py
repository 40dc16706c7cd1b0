"""`qbx suppression reactivate ADDRESS`: take an address off the suppression list, guarded.

Guards: the feature is on only when QBX_REMEDIATION_USERS lists someone; `--dry-run` only reads
and shows what would change; the write needs `--yes` or the address typed back on a terminal;
it is recorded in the audit log (Redis; the embedded simulator may use memory) as
`cli:<login>`. Exit 0 done or nothing to do, 2 refused or bad input, 3 Qboxmail unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import Any, TextIO

from bot.cli import EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, SERVICE
from bot.errors import ApiUnreachable, InputError, QboxmailError, StoreUnavailable
from bot.remediation import reactivation as r
from bot.remediation.policy import OFF, RemediationPolicy
from bot.runtime.services import open_services
from bot.settings import Settings
from bot.store import Store

NO_AUDIT = (
    "every write is recorded in the shared audit log: set REDIS_URL "
    "(only the embedded simulator may keep it in memory)"
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("suppression", help="act on the Delivery suppression list")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    react = actions.add_parser("reactivate", help="reactivate (un-suppress) one address")
    react.add_argument("address", help="the suppressed recipient address")
    react.add_argument("--account", type=int, help="the Delivery account, when several entries")
    react.add_argument("--dry-run", action="store_true", help="only show what would change")
    react.add_argument("--yes", action="store_true", help="confirm without the typed prompt")
    react.set_defaults(handler=run, logs=SERVICE)


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"qbx suppression: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    if (
        not args.dry_run
        and not RemediationPolicy(frozenset(settings.qbx_remediation_users)).enabled
    ):
        return _fail(OFF)
    try:
        r.normalise(args.address)
        return asyncio.run(_reactivate(settings, args, sys.stdin, sys.stdout))
    except InputError as error:
        return _fail(f"{error}\nusage: {error.usage}\nexample: {error.example}")
    except ApiUnreachable as error:
        return _fail(f"the Qboxmail API cannot be reached: {error}", EXIT_UNREACHABLE)
    except QboxmailError as error:
        return _fail(f"Qboxmail refused: {error}", EXIT_UNREACHABLE)
    except StoreUnavailable as error:
        return _fail(f"the audit log cannot be written ({error}); nothing was changed")


async def _reactivate(
    settings: Settings, args: argparse.Namespace, stdin: TextIO, out: TextIO
) -> int:
    async with open_services(settings, ledger=False, slack=False) as services:
        api, simulated = services.api, services.simulated
        found = await r.plan(api, args.address, args.account)
        print(plan_text(found, simulated), file=out)
        if found.outcome is not None or found.entry is None:
            return EXIT_USAGE if found.outcome is r.Outcome.AMBIGUOUS else EXIT_OK
        if args.dry_run:
            print("Dry run: nothing was changed.", file=out)
            return EXIT_OK
        if not args.yes and not confirmed(found.address, stdin, out):
            return _fail("not confirmed (type the address, or pass --yes); nothing was changed")
        if settings.redis_url is None and not simulated:
            return _fail(NO_AUDIT)
        return await _write(api, services.store, found, args, out)


async def _write(
    api: r.SuppressionApi, store: Store, found: r.Plan, args: argparse.Namespace, out: TextIO
) -> int:
    if not await store.ping():
        raise StoreUnavailable("the store does not answer")
    request = r.Request(found.address, f"cli:{getpass.getuser()}", "cli", args.account)
    result = await r.reactivate(api, store, request)
    print(result_text(result), file=out)
    after = await r.plan(api, found.address, args.account)
    print(f"Now: {found.address} is {_state(after)}.", file=out)
    return EXIT_OK


def confirmed(address: str, stdin: TextIO, out: TextIO) -> bool:
    """On a terminal, the user types the address back; never confirmed without one."""
    if not stdin.isatty():
        return False
    print(f"Type {address} to reactivate it: ", end="", file=out, flush=True)
    return stdin.readline().strip().lower() == address


def _state(found: r.Plan) -> str:
    return "not suppressed" if found.outcome is r.Outcome.NOT_SUPPRESSED else "still suppressed"


def plan_text(found: r.Plan, simulated: bool) -> str:
    label = "SIMULATED · " if simulated else ""
    if found.outcome is r.Outcome.NOT_SUPPRESSED:
        return f"{label}{found.address} is not suppressed: nothing to reactivate."
    if found.outcome is r.Outcome.AMBIGUOUS:
        scopes = "; ".join(r.describe(e) for e in found.candidates)
        return f"{label}{found.address} has several active entries ({scopes}): pass --account ID."
    assert found.entry is not None
    return (
        f"{label}{found.address} is suppressed ({r.describe(found.entry)}).\n"
        f"Reactivating sends PUT /api/delivery/suppression_lists/edit with "
        f"{json.dumps(r.edit_for(found).body())}"
    )


def result_text(result: r.Result) -> str:
    if result.outcome is r.Outcome.REACTIVATED:
        return f"Reactivated {result.plan.address}; recorded in the audit log."
    if result.outcome is r.Outcome.IN_PROGRESS:
        return f"{result.plan.address} was reactivated moments ago; nothing more was sent."
    return f"{result.plan.address} is not suppressed any more: nothing was sent."
