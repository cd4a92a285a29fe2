"""Export formats: detect the survey tool that wrote a file and what its columns mean."""

from cxlens.ingest.formats.base import Detected, SurveyFormat
from cxlens.ingest.formats.detect import detect_format

__all__ = ["Detected", "SurveyFormat", "detect_format"]
