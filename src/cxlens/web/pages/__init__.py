"""Customer-facing pages: the hosted survey, vote/unsubscribe/open links, the widget API.

``router`` serves ``/s/``, ``/a/``, ``/v/``, ``/u/`` and ``/o/``; ``widget_router`` serves
``/api/v1/widget/*`` and ``/widget/cxlens-widget.js``.
"""

from cxlens.web.pages.survey import router
from cxlens.web.pages.widget import widget_router

__all__ = ["router", "widget_router"]
