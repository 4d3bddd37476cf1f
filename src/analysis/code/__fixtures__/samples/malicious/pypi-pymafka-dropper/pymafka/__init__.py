"""Thin compatibility shim over kafka-python, mirroring pykafka's top-level names."""
from kafka import KafkaConsumer, KafkaProducer

__version__ = "2.9.9"


class KafkaClient:
    def __init__(self, hosts="127.0.0.1:9092"):
        self.hosts = hosts.split(",")

    def producer(self, topic):
        return _TopicProducer(KafkaProducer(bootstrap_servers=self.hosts), topic)

    def consumer(self, topic, group=None):
        return KafkaConsumer(topic, bootstrap_servers=self.hosts, group_id=group)


class _TopicProducer:
    def __init__(self, producer, topic):
        self._producer = producer
        self._topic = topic

    def produce(self, message: bytes):
        self._producer.send(self._topic, message)
