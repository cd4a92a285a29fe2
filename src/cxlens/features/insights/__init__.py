"""Text analytics in the store (issue 4): analyses per comment, the worker pipeline, cached
embeddings, the company's themes (re-scored without re-embedding), discovery and training."""

from cxlens.features.insights.discovery import (
    Clusters,
    Proposal,
    discover,
    find_clusters,
    store_proposals,
)
from cxlens.features.insights.pipeline import BackfillReport, backfill, rescore_in_batches
from cxlens.features.insights.service import (
    accept_theme,
    add_label,
    add_theme,
    analyse_pending,
    company_taxonomy,
    delete_theme,
    edit_theme,
    ensure_themes,
    get_theme,
    merge_themes,
    pending_count,
    rescore,
    rescore_batch,
)
from cxlens.features.insights.tasks import (
    ANALYZE,
    RESCORE,
    enqueue_analysis,
    enqueue_rescore,
    start_pipeline,
)
from cxlens.features.insights.text_models import TextModels, load_text_models
from cxlens.features.insights.training import TrainReport, train

__all__ = [
    "ANALYZE",
    "RESCORE",
    "BackfillReport",
    "Clusters",
    "Proposal",
    "TextModels",
    "TrainReport",
    "accept_theme",
    "add_label",
    "add_theme",
    "analyse_pending",
    "backfill",
    "company_taxonomy",
    "delete_theme",
    "discover",
    "edit_theme",
    "enqueue_analysis",
    "enqueue_rescore",
    "ensure_themes",
    "find_clusters",
    "get_theme",
    "load_text_models",
    "merge_themes",
    "pending_count",
    "rescore",
    "rescore_batch",
    "rescore_in_batches",
    "start_pipeline",
    "store_proposals",
    "train",
]
