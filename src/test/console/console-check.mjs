// Drives the operator console in Debian's chromium as an operator would, by keyboard and mouse, and fails on the
// first thing that does not happen. Run by ConsoleBrowserTest, which prepares the data and passes:
//   BASE_URL, ADMIN_USER, ADMIN_PASSWORD, CUSTOMER (two orders placed for it), DEAD_ORDER (its payment.processed is a
//   dead letter that redriving resolves), JUNK_ORDER (a dead letter to discard), BROKER_ORDER (a message in the
//   broker's own dead letters, which redriving parks in the table), SCREENSHOTS (a directory).
import { chromium } from 'playwright-core';

const env = (name) => { const v = process.env[name]; if (!v) throw new Error(`${name} is not set`); return v; };
const base = env('BASE_URL');
const shots = env('SCREENSHOTS');
const timeout = 20000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({
    httpCredentials: { username: env('ADMIN_USER'), password: env('ADMIN_PASSWORD') },
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));

  // Orders: find this customer's orders with the filter (keyboard only), watch them complete, open one.
  await page.goto(`${base}/console#/orders`);
  await page.getByLabel('Customer').fill(env('CUSTOMER'));
  await page.getByLabel('Customer').press('Enter');
  const rows = page.locator('tr[data-order]');
  // the filtered list: exactly this customer's two orders
  await page.waitForFunction((customer) => location.hash.includes(customer)
    && [...document.querySelectorAll('tr[data-order]')].map((r) => r.children[2].textContent).join() === `${customer},${customer}`,
  env('CUSTOMER'));
  await page.locator('tr[data-order] td.status', { hasText: 'COMPLETED' }).nth(1).waitFor(); // live status
  await page.screenshot({ path: `${shots}/orders-1280.png`, fullPage: true });
  await rows.first().getByRole('link').click();
  await page.locator('#order-status', { hasText: 'COMPLETED' }).waitFor();
  await page.getByRole('heading', { name: 'Timeline', exact: true }).waitFor();
  await page.locator('td', { hasText: 'order.completed' }).first().waitFor();
  await page.screenshot({ path: `${shots}/order-1280.png`, fullPage: true });

  // Dead letters: redrive one by clicking, discard another by selecting it; both rows disappear.
  await page.getByRole('link', { name: 'Dead letters' }).click();
  const redrive = page.locator('tr[data-dead-letter]', { hasText: env('DEAD_ORDER') });
  const junk = page.locator('tr[data-dead-letter]', { hasText: env('JUNK_ORDER') });
  await redrive.waitFor();
  await junk.waitFor();
  await page.screenshot({ path: `${shots}/dead-letters-1280.png`, fullPage: true });
  await redrive.getByRole('button', { name: 'Redrive' }).click();
  await redrive.waitFor({ state: 'detached' });
  await junk.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Discard selected' }).click();
  await junk.waitFor({ state: 'detached' });
  // Failure groups: a whole group discarded in the background; its row goes once the job is done.
  const group = page.locator('tr[data-group="saga inventory.reserved rejected"]');
  await group.waitFor();
  await group.getByRole('button', { name: 'Discard group' }).click();
  await group.waitFor({ state: 'detached' });
  // The broker's own dead letters: one that could not be parked goes back to its queue, and is parked this time.
  const atBroker = page.locator('tr[data-broker-dead-letter]', { hasText: env('BROKER_ORDER') });
  await atBroker.waitFor();
  await page.screenshot({ path: `${shots}/broker-dead-letters-1280.png`, fullPage: true });
  await atBroker.getByRole('button', { name: 'Redrive' }).click();
  await atBroker.waitFor({ state: 'detached' });
  // The broker delivers it again and payment parks it a moment later: the list shows it once reloaded.
  const parked = page.locator('tr[data-dead-letter]', { hasText: env('BROKER_ORDER') });
  for (let i = 0; i < 40 && (await parked.count()) === 0; i++) {
    await page.waitForTimeout(500);
    await page.reload();
    await page.locator('#broker-dead-letters').waitFor();
  }
  await parked.waitFor();

  // Functions: pause shipping at the broker, then resume it.
  await page.getByRole('link', { name: 'Functions' }).click();
  const shipping = page.locator('section[data-function=shipping]');
  await shipping.getByRole('button', { name: 'Pause shipping' }).click();
  await shipping.getByRole('heading', { name: /shipping \(paused\)/ }).waitFor();
  await page.screenshot({ path: `${shots}/functions-paused-1280.png`, fullPage: true });
  await shipping.getByRole('button', { name: 'Resume shipping' }).click();
  await shipping.getByRole('button', { name: 'Pause shipping' }).waitFor();

  // Stock: restock a SKU through the form and see its level.
  await page.getByRole('link', { name: 'Stock & credit' }).click();
  const restock = page.getByRole('form', { name: 'Restock' });
  await restock.getByLabel('SKU').fill(env('SKU'));
  await restock.getByLabel('Quantity').fill('7');
  await restock.getByLabel('Reason').fill('delivery from the console check');
  await restock.getByRole('button', { name: 'Restock' }).click();
  await page.locator(`tr[data-sku="${env('SKU')}"] td`, { hasText: /^7$/ }).waitFor();
  await page.screenshot({ path: `${shots}/stock-1280.png`, fullPage: true });

  await page.getByRole('link', { name: 'System' }).click();
  await page.locator('#outbox').waitFor();
  // Orders per flow version: the customer's orders were placed on version 2 and have ended.
  const v2 = page.locator('tr[data-flow-version="2"]');
  await v2.waitFor();
  if (Number(await v2.locator('td').nth(3).innerText()) < 2) throw new Error('version 2 shows fewer than 2 completed orders');
  await page.screenshot({ path: `${shots}/system-1280.png`, fullPage: true });

  // Phone width: every view fits without scrolling the page sideways (tables scroll in their box).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const section of ['orders', 'dead-letters', 'functions', 'stock', 'system']) {
    await page.goto(`${base}/console#/${section}`);
    await page.locator('main h1').waitFor();
    await page.waitForTimeout(300);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 392) throw new Error(`${section} is ${wide} px wide at phone width`);
    await page.screenshot({ path: `${shots}/${section}-390.png`, fullPage: true });
  }
  if (problems.length) throw new Error(`script errors on the page: ${problems.join('; ')}`);
  console.log('console check: OK');
} catch (error) {
  for (const page of browser.contexts().flatMap((c) => c.pages())) {
    await page.screenshot({ path: `${shots}/failure.png`, fullPage: true });
    console.log(`the page at the failure (${page.url()}): ${await page.locator('main').innerText()}`);
  }
  throw error;
} finally {
  await browser.close();
}
