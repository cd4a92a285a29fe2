"""The web app and REST API (FastAPI). Routes are thin: parse, call one service, render."""
