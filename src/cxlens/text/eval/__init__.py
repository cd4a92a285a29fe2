"""The evaluation harness of :mod:`cxlens.text` (``make eval-text``).

Scores analyzers on third-party sets (UMSAB, SemEval-2016) that cxlens only evaluates on.
"""

from cxlens.text.eval.data import LabelledText, Opinion, Sentence, read_semeval, read_umsab
from cxlens.text.eval.metrics import accuracy, agreement, macro_f1
from cxlens.text.eval.report import replace_section, table
from cxlens.text.eval.runner import Evaluation, SemevalScore, UmsabScore, evaluate

__all__ = [
    "Evaluation",
    "LabelledText",
    "Opinion",
    "SemevalScore",
    "Sentence",
    "UmsabScore",
    "accuracy",
    "agreement",
    "evaluate",
    "macro_f1",
    "read_semeval",
    "read_umsab",
    "replace_section",
    "table",
]
