"""The model DAG from `ref()`: cycle detection with the cycle's path, topological order."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping


class Graph:
    """Parents and children of every node; `order` is a deterministic topological order."""

    def __init__(self, parents: Mapping[str, Iterable[str]]):
        self.parents: dict[str, tuple[str, ...]] = {
            node: tuple(dict.fromkeys(ps)) for node, ps in parents.items()
        }
        self.children: dict[str, list[str]] = {node: [] for node in self.parents}
        for node, ps in self.parents.items():
            for parent in ps:
                self.children[parent].append(node)
        self.order: list[str] = self._toposort()

    def _toposort(self) -> list[str]:
        indegree = {node: len(ps) for node, ps in self.parents.items()}
        ready = [node for node, n in indegree.items() if n == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            node = heapq.heappop(ready)
            order.append(node)
            for child in self.children[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    heapq.heappush(ready, child)
        return order

    def find_cycle(self) -> list[str] | None:
        """A cycle as a path `[a, b, ..., a]` following refs downstream, or None."""
        if len(self.order) == len(self.parents):
            return None
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        for start in sorted(self.parents):
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                node, index = stack.pop()
                if index == 0:
                    state[node] = 1
                    path.append(node)
                children = sorted(self.children[node])
                if index < len(children):
                    stack.append((node, index + 1))
                    child = children[index]
                    if state.get(child) == 1:
                        return [*path[path.index(child) :], child]
                    if not state.get(child):
                        stack.append((child, 0))
                else:
                    state[node] = 2
                    path.pop()
        return None

    def ancestors(self, node: str, depth: int | None = None) -> set[str]:
        return _walk(node, self.parents, depth)

    def descendants(self, node: str, depth: int | None = None) -> set[str]:
        return _walk(node, self.children, depth)


def _walk(node: str, edges: Mapping[str, Iterable[str]], depth: int | None) -> set[str]:
    seen: set[str] = set()
    frontier = [node]
    level = 0
    while frontier and (depth is None or level < depth):
        level += 1
        next_frontier = []
        for current in frontier:
            for other in edges[current]:
                if other not in seen:
                    seen.add(other)
                    next_frontier.append(other)
        frontier = next_frontier
    return seen
