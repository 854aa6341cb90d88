#!/usr/bin/env python3
"""Places one order with eventual over AMQP 1.0 (Qpid Proton) and waits for its outcome.

    sudo apt-get install python3-qpid-proton
    EVENTUAL_AMQP_USER=producer EVENTUAL_AMQP_PASSWORD=producer /usr/bin/python3 place_order.py

Environment: EVENTUAL_AMQP_HOST (localhost), EVENTUAL_AMQP_PORT (5672), EVENTUAL_AMQP_FAILOVER (the other brokers
of the pair, host:port,...: tried in turn when one does not answer), EVENTUAL_AMQP_USER / EVENTUAL_AMQP_PASSWORD
(SASL PLAIN; unset for a broker without authentication), EVENTUAL_TIMEOUT_S (30).
Prints the order id, then the outcome; exits 0 when the order completed, 2 when it was cancelled, 1 on a timeout.
"""
import json
import os
import sys
import uuid
from datetime import datetime, timezone

from proton import Message, symbol, timestamp
from proton.handlers import MessagingHandler
from proton.reactor import Container


class PlaceOrder(MessagingHandler):
    OUTCOMES = ("order.completed", "order.cancelled")

    def __init__(self, urls, user, password, timeout):
        super().__init__()
        self.urls, self.user, self.password, self.timeout = urls, user, password, timeout
        self.order_id = str(uuid.uuid4())
        self.attached = 0
        self.outcome = None

    def on_start(self, event):
        # The brokers of the pair, tried in turn until one answers: a backup answers only once it has taken over.
        self.connection = event.container.connect(urls=self.urls, user=self.user, password=self.password,
                                                  allow_insecure_mechs=True)
        # Outcomes first: a subscription ('topic' capability, dropped when the link closes) sees what is published
        # after it is attached.
        for address in self.OUTCOMES:
            event.container.create_receiver(self.connection, address, options=TopicSource())
        self.timer = event.container.schedule(self.timeout, self)

    def on_link_opened(self, event):
        if event.receiver:
            self.attached += 1
            if self.attached == len(self.OUTCOMES):
                event.container.create_sender(self.connection, "order.placed")

    def on_sendable(self, event):
        if getattr(self, "sent", False):
            return
        self.sent = True
        data = {
            "orderId": self.order_id, "customerId": "ada", "currency": "EUR",
            "shippingAddress": {"country": "DE", "city": "Berlin"},
            "items": [{"sku": "SKU-1", "name": "Widget", "quantity": 2, "unitPrice": "12.99"}],
            "total": "25.98",  # must equal the sum of quantity x unitPrice, or the event is a dead letter
        }
        # CloudEvents AMQP binding, binary mode; the JMS-compatible prefix cloudEvents_ works as well.
        message = Message(
            id=str(uuid.uuid4()), durable=True, priority=4, group_id=self.order_id,
            content_type="application/json", body=json.dumps(data).encode("utf-8"),
            properties={
                "cloudEvents:specversion": "1.0",
                "cloudEvents:id": str(uuid.uuid4()),  # unique per event: a redelivery with this id is applied once
                "cloudEvents:source": "/example-shop/checkout",
                "cloudEvents:type": "order.placed",
                "cloudEvents:subject": self.order_id,
                "cloudEvents:time": timestamp(int(datetime.now(timezone.utc).timestamp() * 1000)),  # AMQP timestamp
                "cloudEvents:schemaversion": 2,
            })
        event.sender.send(message)

    def on_accepted(self, event):
        print(f"placed order {self.order_id}", flush=True)

    def on_rejected(self, event):
        print(f"the broker refused the event: {event.delivery.remote.condition}", file=sys.stderr)
        self.finish(event, 1)

    def on_message(self, event):
        properties = event.message.properties or {}
        if properties.get("cloudEvents:subject") != self.order_id:
            return
        data = json.loads(bytes(event.message.body).decode("utf-8"))
        if properties.get("cloudEvents:type") == "order.completed":
            print(f"COMPLETED {self.order_id}", flush=True)
            self.finish(event, 0)
        else:
            print(f"CANCELLED {self.order_id}: {data.get('reason')}", flush=True)
            self.finish(event, 2)

    def on_timer_task(self, event):
        print(f"no outcome for order {self.order_id}", file=sys.stderr)
        self.finish(event, 1)

    def on_transport_error(self, event):
        print(f"connection failed, trying the next broker: {event.transport.condition}", file=sys.stderr)

    def finish(self, event, code):
        self.outcome = code
        self.timer.cancel()
        self.connection.close()


class TopicSource:
    """Asks for a subscription of this link only (source capability 'topic')."""

    def apply(self, link):
        link.source.capabilities.put_object(symbol("topic"))

    def test(self, link):
        return link.is_receiver


if __name__ == "__main__":
    host = os.environ.get("EVENTUAL_AMQP_HOST", "localhost")
    port = os.environ.get("EVENTUAL_AMQP_PORT", "5672")
    failover = [broker.strip() for broker in os.environ.get("EVENTUAL_AMQP_FAILOVER", "").split(",") if broker.strip()]
    handler = PlaceOrder([f"amqp://{host}:{port}"] + [f"amqp://{broker}" for broker in failover], os.environ.get("EVENTUAL_AMQP_USER"),
                         os.environ.get("EVENTUAL_AMQP_PASSWORD"), float(os.environ.get("EVENTUAL_TIMEOUT_S", "30")))
    Container(handler).run()
    sys.exit(1 if handler.outcome is None else handler.outcome)
