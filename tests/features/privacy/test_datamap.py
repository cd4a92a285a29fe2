"""The customer map names every foreign key that leads to a customer, in a usable order."""

from __future__ import annotations

from cxlens.features.privacy.datamap import (
    CUSTOMER_LINKS,
    ROOT,
    VALUE_REFERENCES,
    LinkAction,
    tables_in_order,
)
from cxlens.models import Base


def _inward_foreign_keys() -> set[tuple[str, str, str]]:
    """(table, column, parent) of every foreign key into the customer's graph, found from the
    models' metadata: a table pointing at the graph joins it (transitively)."""
    graph = {ROOT}
    found: set[tuple[str, str, str]] = set()
    grew = True
    while grew:
        grew = False
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in graph and (table.name, fk.parent.name, parent) not in found:
                    found.add((table.name, fk.parent.name, parent))
                    if table.name not in graph:
                        graph.add(table.name)
                        grew = True
    return found


def test_every_foreign_key_into_the_customer_graph_is_in_the_map() -> None:
    mapped = {(link.table, link.column, link.parent) for link in CUSTOMER_LINKS}
    missing = _inward_foreign_keys() - mapped
    assert not missing, (
        f"add these to CUSTOMER_LINKS in features/privacy/datamap.py (delete or unlink, and "
        f"say in docs/privacy.md): {sorted(missing)}"
    )


def test_every_link_is_a_real_foreign_key() -> None:
    for link in CUSTOMER_LINKS:
        column = Base.metadata.tables[link.table].c[link.column]
        assert {fk.column.table.name for fk in column.foreign_keys} == {link.parent}, link
        if link.action is LinkAction.UNLINK:
            assert column.nullable, f"{link.table}.{link.column} cannot be cleared"


def test_links_come_after_their_parents_so_children_are_deleted_first() -> None:
    order = tables_in_order()
    assert order[0] == ROOT
    for link in CUSTOMER_LINKS:
        if link.action is LinkAction.DELETE:
            assert order.index(link.parent) < order.index(link.table), link


def test_the_value_references_name_real_tables() -> None:
    assert set(VALUE_REFERENCES) <= set(Base.metadata.tables)
