"""``parley dialogs graph``: the conversation's state table as a Mermaid diagram."""

from __future__ import annotations

import argparse

from bot.commands.base import CommandContext, SubParsers


def register(sub: SubParsers) -> None:
    dialogs = sub.add_parser("dialogs", help="the conversation flow")
    actions = dialogs.add_subparsers(dest="dialogs_command", metavar="ACTION", required=True)
    graph = actions.add_parser("graph", help="print the flow's state table as Mermaid")
    graph.set_defaults(run=_graph)


async def _graph(_args: argparse.Namespace, ctx: CommandContext) -> int:
    from dialogs import FLOW  # the flow is built (and checked) on first import

    ctx.out.write(FLOW.to_mermaid())
    return 0
