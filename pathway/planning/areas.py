"""The area tree: every area (county, districts, localities, wards) with the areas inside it
and its population of children under 5."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from earlyyears.models import Area


class AreaParents:
    """Each area's parent, and nothing else: what a referral's refresh needs (`AreaTree` also
    works out every area's population, which a refresh after each submission would pay for)."""

    def __init__(self, parents: dict[int, int | None]):
        self.parents = parents

    @classmethod
    def load(cls) -> AreaParents:
        return cls(dict(Area.objects.values_list("pk", "parent_id")))

    def ancestors(self, pk: int) -> list[int]:
        """The area and every area above it."""
        chain, seen = [], set()
        while pk in self.parents and pk not in seen:
            chain.append(pk)
            seen.add(pk)
            pk = self.parents[pk]
        return chain


@dataclass
class AreaNode:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    own_population: int
    children: list[int] = field(default_factory=list)
    population: int = 0


class AreaTree:
    """Every area, loaded in one query; areas are few (hundreds) and nest a few levels.

    An area's population is its own figure, or, when it has none, the sum of the areas
    inside it."""

    def __init__(self, nodes: Iterable[AreaNode]):
        self.nodes = {node.pk: node for node in nodes}
        self._parents = AreaParents({pk: node.parent_id for pk, node in self.nodes.items()})
        for node in self.nodes.values():
            if node.parent_id in self.nodes:
                self.nodes[node.parent_id].children.append(node.pk)
        for node in self.nodes.values():
            node.children.sort(key=lambda pk: (self.nodes[pk].name, pk))
        for node in self.nodes.values():
            node.population = node.own_population or sum(
                self.nodes[pk].own_population for pk in self.descendants(node.pk)
            )

    @classmethod
    def load(cls) -> AreaTree:
        fields = ["pk", "code", "name", "kind", "parent_id", "under_5_population"]
        rows = Area.objects.order_by("pk").values_list(*fields)
        return cls(AreaNode(*row) for row in rows)

    def ancestors(self, pk: int) -> list[int]:
        """The area and every area above it."""
        return self._parents.ancestors(pk)

    def descendants(self, pk: int) -> list[int]:
        out, frontier, seen = [], list(self.nodes[pk].children), {pk}
        while frontier:
            nxt = frontier.pop()
            if nxt in seen:
                continue
            seen.add(nxt)
            out.append(nxt)
            frontier.extend(self.nodes[nxt].children)
        return out

    @property
    def roots(self) -> list[int]:
        return sorted(pk for pk, node in self.nodes.items() if node.parent_id not in self.nodes)

    def of_kind(self, kind: str) -> list[AreaNode]:
        nodes = [node for node in self.nodes.values() if node.kind == kind]
        return sorted(nodes, key=lambda n: (self.parent_name(n), n.name, n.pk))

    def parent_name(self, node: AreaNode) -> str:
        parent = self.nodes.get(node.parent_id)
        return parent.name if parent else ""


def areas_version() -> str | None:
    """Changes whenever an area is added, removed or changed in any way: on PostgreSQL the
    row versions (`xmin`, new on every write, including bulk updates and raw SQL), in one
    one-row query. None on other databases, which then keep no planning figures in Django's
    cache."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(AREAS_VERSION_SQL)
        return cursor.fetchone()[0]


# PostgreSQL: the areas' count, the sum of their row versions and the largest id, as one text.
AREAS_VERSION_SQL = (
    "SELECT count(*) || '.' || coalesce(sum(xmin::text::bigint), 0) || '.' "  # noqa: S608
    f"|| coalesce(max(id), 0) FROM {Area._meta.db_table}"
)
