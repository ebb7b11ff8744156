"""The conversation flows (DESIGN §6): pure states, transitions and replies.

``step(snapshot, event, ctx) -> Outcome`` is the whole interface; the values it speaks are
in :mod:`dialogs.model`. ``FLOW`` is the checked state table; ``FLOW.to_mermaid()`` draws it.
"""

from dialogs.flow import Flow, FlowError, Node
from dialogs.step import step
from dialogs.table import FLOW

__all__ = ["FLOW", "Flow", "FlowError", "Node", "step"]
