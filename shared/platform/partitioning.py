"""Kafka's default key-to-partition mapping, as the Java client computes it."""

from __future__ import annotations

import struct
from collections.abc import Sequence

_SEED = 0x9747B28C
_M = 0x5BD1E995
_MASK = 0xFFFFFFFF
_WORDS = [struct.Struct(f"<{count}I") for count in range(32)]


def murmur2(data: bytes) -> int:
    """MurmurHash2 of ``data`` as an unsigned 32-bit number (Kafka's ``Utils.murmur2``).

    The same function as aiokafka's partitioner uses, reading the key four
    bytes at a time with ``struct`` instead of byte by byte: the outbox relay
    places every event it publishes with it.
    """
    length = len(data)
    h = _SEED ^ length
    words = length >> 2
    layout = _WORDS[words] if words < len(_WORDS) else struct.Struct(f"<{words}I")
    for k in layout.unpack_from(data):
        k = (k * _M) & _MASK
        k ^= k >> 24
        h = ((h * _M) & _MASK) ^ ((k * _M) & _MASK)
    tail = length & 3
    if tail:
        end = words << 2
        if tail == 3:
            h ^= data[end + 2] << 16
        if tail >= 2:
            h ^= data[end + 1] << 8
        h ^= data[end]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


def partition_for(key: bytes, partitions: Sequence[int]) -> int:
    """The partition Kafka's default partitioner picks for ``key``.

    ``partitions`` are the topic's partition ids in ascending order.
    """
    return partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]
