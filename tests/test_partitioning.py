"""Placing keys on partitions exactly as Kafka's default partitioner does."""

from __future__ import annotations

import random

import pytest
from aiokafka.partitioner import DefaultPartitioner

from shared.platform.partitioning import murmur2, partition_for


@pytest.mark.parametrize(
    ("text", "signed"),
    [
        # Apache Kafka's own test vectors for Utils.murmur2 (signed 32-bit).
        ("21", -973932308),
        ("foobar", -790332482),
        ("a-little-bit-long-string", -985981536),
        ("a-little-bit-longer-string", -1486304829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        ("abc", 479470107),
    ],
)
def test_murmur2_matches_the_java_client(text, signed):
    assert murmur2(text.encode()) == signed & 0xFFFFFFFF


def test_every_key_lands_where_the_default_partitioner_puts_it():
    rng = random.Random(20261205)
    keys = [f"E{n:07d}".encode() for n in range(2000)]
    keys += [str(rng.getrandbits(128)).encode() for _ in range(2000)]
    keys += [rng.randbytes(length) for length in range(0, 200) for _ in range(10)]
    default = DefaultPartitioner()
    for count in (1, 3, 7, 12):
        partitions = list(range(count))
        for key in keys:
            assert partition_for(key, partitions) == default(
                key, partitions, partitions
            ), key
