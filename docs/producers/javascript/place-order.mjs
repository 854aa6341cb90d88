// Places one order with eventual over AMQP 1.0 (rhea) and waits for its outcome, as another team's service would.
//
//   npm ci && EVENTUAL_AMQP_USER=producer EVENTUAL_AMQP_PASSWORD=producer node place-order.mjs
//
// Environment: EVENTUAL_AMQP_HOST (localhost), EVENTUAL_AMQP_PORT (5672), EVENTUAL_AMQP_FAILOVER (the other brokers of
// the pair, host:port,...: tried in turn when one does not answer), EVENTUAL_AMQP_USER / EVENTUAL_AMQP_PASSWORD
// (SASL PLAIN; leave unset for a broker without authentication), EVENTUAL_TIMEOUT_MS (30000).
// Prints the order id, then the outcome; exits 0 when the order completed, 2 when it was cancelled, 1 on a timeout.
import { randomUUID } from 'node:crypto';
import rhea from 'rhea';

const orderId = randomUUID();
const order = {
  orderId,
  customerId: 'ada',
  currency: 'EUR',
  shippingAddress: { country: 'DE', city: 'Berlin' },
  items: [{ sku: 'SKU-1', name: 'Widget', quantity: 2, unitPrice: '12.99' }],
  total: '25.98', // must equal the sum of quantity × unitPrice, or the event is a dead letter
};

// The brokers of the pair, tried in turn until one answers: a backup answers only once it has taken over.
const brokers = [`${process.env.EVENTUAL_AMQP_HOST ?? 'localhost'}:${process.env.EVENTUAL_AMQP_PORT ?? 5672}`,
  ...(process.env.EVENTUAL_AMQP_FAILOVER ?? '').split(',').map((broker) => broker.trim()).filter(Boolean)];
let attempts = 0; // rhea counts connections made, not attempts: the next broker comes from here
const container = rhea.create_container({ id: `example-shop-${process.pid}` });
const connection = container.connect({
  connection_details: () => {
    const [host, port] = brokers[attempts++ % brokers.length].split(':');
    return { host, port: Number(port) };
  },
  username: process.env.EVENTUAL_AMQP_USER,
  password: process.env.EVENTUAL_AMQP_PASSWORD,
  reconnect: true,
  initial_reconnect_delay: 100,
  max_reconnect_delay: 1000,
});

// Outcomes: subscribe to both outcome addresses before placing the order (a subscription sees what is published
// after it is attached). capabilities 'topic' asks for a subscription of this link only, dropped when it closes.
const outcomes = ['order.completed', 'order.cancelled'];
let attached = 0;
for (const address of outcomes) {
  const receiver = connection.open_receiver({ source: { address, capabilities: ['topic'] } });
  receiver.on('receiver_open', () => {
    if (++attached === outcomes.length) placeOrder();
  });
}

function placeOrder() {
  const sender = connection.open_sender('order.placed');
  sender.once('sendable', () => {
    // CloudEvents AMQP binding, binary mode: attributes are application properties, data is the body.
    sender.send({
      message_id: randomUUID(),
      group_id: orderId, // keeps this order's events in sequence among competing consumers
      durable: true,
      priority: 4,
      content_type: 'application/json',
      application_properties: {
        'cloudEvents:specversion': '1.0',
        'cloudEvents:id': randomUUID(), // unique per event: a redelivery with the same id is applied once
        'cloudEvents:source': '/example-shop/checkout',
        'cloudEvents:type': 'order.placed',
        'cloudEvents:subject': orderId,
        'cloudEvents:time': new Date(), // an AMQP timestamp; an RFC 3339 string works as well
        'cloudEvents:schemaversion': 2,
        'cloudEvents:priority': 'NORMAL',
      },
      body: rhea.message.data_section(Buffer.from(JSON.stringify(order))),
    });
  });
  sender.on('accepted', () => console.log(`placed order ${orderId}`));
  sender.on('rejected', (context) => fail(`the broker refused the event: ${JSON.stringify(context.delivery.remote_state)}`));
}

connection.on('message', (context) => {
  const { message } = context;
  if (message.application_properties?.['cloudEvents:subject'] !== orderId) return;
  const data = JSON.parse(Buffer.from(message.body.content ?? message.body).toString('utf8'));
  const type = message.application_properties['cloudEvents:type'];
  console.log(type === 'order.completed' ? `COMPLETED ${orderId}` : `CANCELLED ${orderId}: ${data.reason}`);
  connection.close();
  process.exitCode = type === 'order.completed' ? 0 : 2;
});

connection.on('disconnected', (context) => {
  if (context.error) console.error(`connection failed, trying the next broker: ${context.error.message ?? context.error}`);
});

const timeout = setTimeout(() => fail(`no outcome for order ${orderId}`), Number(process.env.EVENTUAL_TIMEOUT_MS ?? 30000));
connection.on('connection_close', () => clearTimeout(timeout));

function fail(reason) {
  console.error(reason);
  process.exit(1);
}
