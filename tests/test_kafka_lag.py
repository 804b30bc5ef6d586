"""How far a consumer group is behind, against the real broker."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from micromentor.kafka_lag import LagProbe


async def test_lag_counts_from_the_groups_commit_and_never_below_what_was_read(env):
    topic = env.topics.faculty
    partition = TopicPartition(topic, 0)
    for _ in range(10):
        await env.kafka.producer.send_and_wait(topic, b"x", partition=0)
    group = f"{env.topics.prefix}lag-probe"
    committer = AIOKafkaConsumer(
        bootstrap_servers=env.infra.bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
    )
    await committer.start()
    committer.assign([partition])
    probe = LagProbe(env.infra.bootstrap_servers)
    await probe.start()
    try:
        never_read = await probe.lag(group, topic)
        await committer.commit({partition: OffsetAndMetadata(4, "")})

        behind = await probe.lag(group, topic)
        # Offsets the caller has read itself count if the broker reports less.
        with_floor = await probe.lag(group, topic, {partition: 30})
        below_end = await probe.lag(group, topic, {partition: 2})
    finally:
        await probe.stop()
        await committer.stop()

    assert never_read is None
    assert behind == 6
    assert with_floor == 26
    assert below_end == 6
