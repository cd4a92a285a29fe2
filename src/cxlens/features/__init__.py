"""Features: one package per use case (schemas, repository, service, tasks)."""
