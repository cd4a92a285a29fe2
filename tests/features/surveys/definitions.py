"""A small valid survey definition shared by the survey tests."""

from __future__ import annotations

from typing import Any


def minimal() -> dict[str, Any]:
    """A small valid definition: NPS with a follow-up, a choice, a conditional text."""
    return {
        "key": "pulse",
        "name": "Pulse",
        "kind": "relationship",
        "default_language": "en",
        "languages": ["en", "fr"],
        "hidden_fields": [{"key": "store"}],
        "questions": [
            {
                "key": "nps",
                "type": "nps",
                "required": True,
                "labels": {
                    "en": {"text": "Recommend us?", "low": "No", "high": "Yes"},
                    "fr": {"text": "Nous recommander ?"},
                },
                "follow_up": {"labels": {"en": {"text": "Why?"}}},
            },
            {
                "key": "channel",
                "type": "single_choice",
                "labels": {"en": {"text": "How did you buy?"}},
                "choices": [
                    {"key": "web", "labels": {"en": "Online", "fr": "En ligne"}},
                    {"key": "shop", "labels": {"en": "In a shop"}},
                ],
            },
            {
                "key": "fix",
                "type": "text",
                "show_if": {"question": "nps", "op": "lte", "value": 6},
                "labels": {"en": {"text": "What should we fix?"}},
            },
        ],
        "thank_you": {"en": "Thanks!", "fr": "Merci !"},
        "incentive": {"code_pool": "coupons", "labels": {"en": "Your code:"}},
    }
