"""Phrase banks for demo comments, one module per language."""

from cxlens.demo.phrases import de, en, es, fr, fy, it, nl, ro
from cxlens.demo.phrases.bank import TOPICS, Bank

#: Every language the demo writes comments in, by BCP-47 code.
BANKS: dict[str, Bank] = {m.BANK.language: m.BANK for m in (en, it, ro, nl, fy, fr, de, es)}

__all__ = ["BANKS", "TOPICS", "Bank"]
