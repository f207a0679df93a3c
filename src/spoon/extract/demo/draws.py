"""Seeded draws of the demo generator: weighted choices and Shopify-looking ids."""

from __future__ import annotations

import bisect
import itertools
import random
from typing import Any


class Pick:
    """A weighted choice with precomputed cumulative weights (`random.choices` is slow)."""

    def __init__(
        self,
        population: tuple[object, ...] | list[object],
        weights: tuple[float, ...] | list[float],
    ) -> None:
        self.population = list(population)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.population[bisect.bisect(self.cum, rng.random() * self.total)]


class Ids:
    """Increasing Shopify-looking ids: base + n x stride + jitter (jitter < stride)."""

    def __init__(self, rng: random.Random, base: int, stride: int) -> None:
        self.rng, self.base, self.stride, self.n = rng, base, stride, 0

    def next(self) -> int:
        self.n += 1
        return self.base + self.n * self.stride + self.rng.randrange(self.stride // 2)


class HashIds:
    """Like `Ids`, with the jitter a hash of (salt, n) instead of an RNG draw: the ledger's
    ids (one per sale) draw nothing from the order RNG, and cost no RNG call either."""

    def __init__(self, salt: int, base: int, stride: int) -> None:
        self.salt, self.base, self.stride, self.half, self.n = salt, base, stride, stride // 2, 0

    def next(self) -> int:
        self.n = n = self.n + 1
        return self.base + n * self.stride + ((n ^ self.salt) * 2_654_435_761) % self.half
