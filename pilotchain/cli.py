"""The pilotchain command line: argument parsing plus one library call per command.

Commands are declared with `@command("group name", ...)`; the shared options `--network`,
`--account`, `--index`, `--yes` and `--json` are defined once (`SHARED`) and opted into per command.
A handler returns plain data: `--json` prints it as JSON, otherwise its `render` prints it for
people. Every `PilotchainError` becomes one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Callable

from pilotchain import __version__
from pilotchain.display import Names, readable
from pilotchain.errors import PilotchainError, hint


def arg(*flags: str, **kwargs: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    return flags, kwargs


# The URL of the index the reading commands use, as the migrations' `alembic` takes it too
# ($PILOTCHAIN_INDEX is the folder where `pilotchain index` keeps its default SQLite files).
INDEX_ENV = "PILOTCHAIN_INDEX_URL"

SHARED: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "network": arg(
        "--network",
        default="pilot-poa",
        help="pilot-poa, pilot-anvil, pilot-ganache or an http(s)/ws(s) URL (default: pilot-poa)",
    ),
    "account": arg(
        "--account",
        help="account name in the network's account store (`pilotchain accounts list`); accounts of a "
        "local dev network (deployer, operator-N, council-N, the pilot's) have generated passwords kept "
        "beside their keystores, others take $PILOTCHAIN_PASSWORD or a prompt (default: deployer)",
    ),
    "index": arg(
        "--index",
        metavar="DB_URL",
        help="read events from this index (`pilotchain index --db DB_URL` builds it) for the blocks it "
        f"covers, and logs only above them (default: ${INDEX_ENV}; without one, logs only)",
    ),
    "yes": arg("--yes", action="store_true", help="do not ask for confirmation"),
    "json": arg("--json", action="store_true", help="print machine-readable JSON"),
}


@dataclass
class Command:
    path: tuple[str, ...]
    help: str
    handler: Callable[[argparse.Namespace], Any]
    arguments: tuple = ()
    shared: tuple[str, ...] = ()
    render: Callable[[Any], None] | None = None


COMMANDS: list[Command] = []


def command(path: str, help: str, *arguments, shared: tuple[str, ...] = ("json",), render=None):
    def register(handler):
        COMMANDS.append(Command(tuple(path.split()), help, handler, arguments, shared, render))
        return handler

    return register


def index_url(args: argparse.Namespace) -> str | None:
    """The index a reading command's session reads from: `--index`, else $PILOTCHAIN_INDEX_URL,
    else none (logs only)."""
    return getattr(args, "index", None) or os.environ.get(INDEX_ENV) or None


def confirm(args: argparse.Namespace, action: str) -> None:
    """Ask before an action that cannot be undone, unless --yes or not on a terminal."""
    if getattr(args, "yes", False) or not sys.stdin.isatty():
        return
    if input(f"{action} — this cannot be undone. Continue? [y/N] ").strip().lower() not in ("y", "yes"):
        raise PilotchainError("cancelled; nothing was sent")


def to_plain(value: Any) -> Any:
    """Dataclasses, bytes and tuples as JSON-ready values."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return value


def print_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> None:
    if not rows:
        print("(none)")
        return
    columns = columns or list(rows[0])
    cells = [[str(to_plain(row.get(c, ""))) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for r in cells:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def _entity_namer(args: argparse.Namespace) -> Callable[[int], str] | None:
    """Names entity ids (`Name (id)`) in the default output from the registry of `--network`,
    read once on first use; without a network, or where the registry cannot be read, none."""
    network = getattr(args, "network", None)
    if network is None:
        return None
    names: Names | None = None

    def name(entity_id: int) -> str:
        nonlocal names
        if names is None:
            from pilotchain.endpoints import open_session

            try:
                names = Names(open_session(network))
            except PilotchainError:
                names = Names()
        return names.entity(entity_id)

    return name


def _default_render(result: Any, entity: Callable[[int], str] | None = None) -> None:
    plain = readable(to_plain(result), entity)
    if plain is None:
        return
    if isinstance(plain, list) and plain and all(isinstance(r, dict) for r in plain):
        print_table(plain)
    elif isinstance(plain, dict):
        width = max((len(k) for k in plain), default=0)
        for key, value in plain.items():
            shown = json.dumps(value) if isinstance(value, (dict, list)) else value
            print(f"{key.ljust(width)}  {shown}")
    else:
        print(plain)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pilotchain",
        description="Run the pilotchain consortium: the local PoA network, membership, "
        "data sharing and provenance.",
    )
    parser.add_argument("--version", action="version", version=f"pilotchain {__version__}")
    groups: dict[tuple[str, ...], argparse._SubParsersAction] = {
        (): parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    }
    parsers: dict[tuple[str, ...], argparse.ArgumentParser] = {}
    for cmd in sorted(COMMANDS, key=lambda c: c.path):
        for depth in range(1, len(cmd.path)):
            prefix = cmd.path[:depth]
            if prefix not in groups:
                group = groups[prefix[:-1]].add_parser(prefix[-1], help=f"{prefix[-1]} commands")
                parsers[prefix] = group
                groups[prefix] = group.add_subparsers(metavar="COMMAND", required=True)
        sub = groups[cmd.path[:-1]].add_parser(cmd.path[-1], help=cmd.help, description=cmd.help)
        for name in cmd.shared:
            flags, kwargs = SHARED[name]
            sub.add_argument(*flags, **kwargs)
        for flags, kwargs in cmd.arguments:
            sub.add_argument(*flags, **kwargs)
        sub.set_defaults(_command=cmd)
    return parser


def main(argv: list[str] | None = None) -> int:
    _load_commands()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)  # argument types may raise PilotchainError too
        cmd: Command = args._command
        result = cmd.handler(args)
    except PilotchainError as exc:
        _report(f"error: {exc}{hint(exc)}", argv)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug or an unforeseen node answer: still one line, no traceback
        if os.environ.get("PILOTCHAIN_DEBUG"):
            raise
        _report(f"error: unexpected {type(exc).__name__}: {exc} (PILOTCHAIN_DEBUG=1 shows the traceback)", argv)
        return 1
    try:
        if getattr(args, "json", False):
            print(json.dumps(to_plain(result), indent=2, sort_keys=False))
        else:
            if cmd.render:
                cmd.render(result)
            else:
                _default_render(result, _entity_namer(args))
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        sys.stderr.close()
    return 0


def _report(message: str, argv: list[str] | None) -> None:
    """An error: one line on stderr; with --json also as {"error": …} on stdout for scripts."""
    print(message, file=sys.stderr)
    if "--json" in (sys.argv[1:] if argv is None else argv):
        print(json.dumps({"error": message.removeprefix("error: ")}))


def _load_commands() -> None:
    """Import the command modules; each registers its commands with @command when first
    imported (a module imported earlier on its own, e.g. by a test, is not imported again)."""
    import importlib

    for module in _COMMAND_MODULES:
        importlib.import_module(module)


# One module per command group, each a thin layer of @command handlers over the library.
_COMMAND_MODULES = [
    "pilotchain.commands.accounts",
    "pilotchain.commands.chain",
    "pilotchain.commands.data",
    "pilotchain.commands.deploy",
    "pilotchain.commands.entity",
    "pilotchain.commands.gateway",
    "pilotchain.commands.index",
    "pilotchain.commands.pilot",
    "pilotchain.commands.provenance",
    "pilotchain.commands.serve",
]


if __name__ == "__main__":
    # Run as a module, this file is `__main__`; the commands register with `pilotchain.cli`.
    from pilotchain.cli import main as _main

    sys.exit(_main())
