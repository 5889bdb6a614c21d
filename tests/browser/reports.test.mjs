// Reports (seed 000: "other users can always consult the Complaint or the Reports") and the
// administration: they open for the people they are for, pass axe, the reports show the
// figures of the tickets made in set-up as tables, charts and CSV, and a workflow is drawn.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

h.skipUnlessReady();

let redress, browser;

before(async () => {
  redress = await h.Redress.start({
    name: 'reports',
    users: [
      { email: 'vera@acme.example', name: 'Vera Viewer', role: 'viewer' },
      { email: 'admin@acme.example', name: 'Adam Admin', role: 'admin' },
      { email: 'alice@acme.example', name: 'Alice Agent', role: 'agent' },
    ],
  });
  // Three support requests today, one of them answered and closed by Alice.
  const made = [];
  for (const subject of ['Parcel lost', 'Invoice wrong', 'Password reset']) {
    made.push(await redress.api('alice@acme.example', 'POST', '/api/v1/tickets', {
      workflow: 'support-request', subject, description: subject + '.', channel: 'portal',
      contacts: [{ email: 'carla@example.com', name: 'Carla', main: true }],
    }));
  }
  const closed = made[0];
  await redress.api('alice@acme.example', 'POST', `/api/v1/tickets/${closed.id}/take`);
  await redress.api('alice@acme.example', 'POST', `/api/v1/tickets/${closed.id}/messages`,
    { body: 'Found it, it arrives tomorrow.', visibility: 'public' });
  const reasons = await redress.api('admin@acme.example', 'POST', '/api/v1/reasons',
    { workflow: 'support-request', code: 'delivery', labels: { en: 'Delivery', fr: 'Livraison' } });
  await redress.api('alice@acme.example', 'PATCH', `/api/v1/tickets/${closed.id}`, { reason: reasons.id });
  await redress.api('alice@acme.example', 'POST', `/api/v1/tickets/${closed.id}/transitions`, { transition: 'close' });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await redress?.stop();
});

test('a viewer opens the reports', h.story(async () => {
  const vera = await h.personPage(browser, redress);
  await h.login(vera, 'vera@acme.example');
  // A viewer consults: she lands on the tickets, and is offered no queue to process.
  await vera.getByRole('heading', { name: 'All tickets', level: 1 }).waitFor();
  await h.checkA11y(vera, 'tickets');
  const nav = vera.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Requests to process' }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'New ticket' }).count(), 0);
  await nav.getByRole('link', { name: 'Reports' }).click();
  await vera.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
  assert.ok(new URL(vera.url()).pathname === '/reports', vera.url());
  // The figures: 3 created, 1 closed, 1 first response, by reason and channel.
  assert.equal((await vera.locator('#total').textContent()).trim(), '3');
  const row = (heading, label) => vera.getByRole('region', { name: heading }).getByRole('row', { name: new RegExp('^' + label + ' ') });
  assert.match(await row('By reason', 'Delivery').textContent(), /1/);
  assert.match(await row('By reason', '\\(no reason\\)').textContent(), /2/);
  assert.match(await row('By channel', 'Portal').textContent(), /3/);
  // Chart.js drew the five charts (the page marks how many it drew), each a canvas with a
  // text alternative and the table beside it.
  await vera.waitForFunction(() => document.documentElement.getAttribute('data-charts') === '5');
  assert.equal(await vera.locator('canvas[role="img"][aria-label]').count(), 5);
  await h.checkA11y(vera, 'reports');
  // Filtering by workflow keeps the page and its figures consistent.
  await vera.getByLabel('Workflow').selectOption('customer-complaint');
  await h.submit(vera, vera.getByRole('button', { name: 'Filter' }));
  assert.equal((await vera.locator('#total').textContent()).trim(), '0');
  // The CSV export downloads the same figures.
  await vera.getByLabel('Workflow').selectOption('');
  await h.submit(vera, vera.getByRole('button', { name: 'Filter' }));
  const [download] = await Promise.all([
    vera.waitForEvent('download'),
    vera.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = await new Promise((resolve, reject) => {
    download.createReadStream().then((stream) => {
      let text = '';
      stream.on('data', (c) => { text += c; });
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
    }, reject);
  });
  assert.match(csv, /^table,key,label,value\r\n/);
  assert.match(csv, /\r\ntotal,,,3\r\n/);
  assert.match(csv, /\r\nby_reason,delivery,Delivery,1\r\n/);
  assert.deepEqual(h.pageProblems(vera), []);
}));

test('an admin opens the administration', h.story(async () => {
  const adam = await h.personPage(browser, redress);
  await h.login(adam, 'admin@acme.example');
  await adam.getByRole('link', { name: 'Admin', exact: true }).click();
  await adam.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  await h.checkA11y(adam, 'admin');
  // From the section menu to a workflow drawn as a diagram: one box per status.
  await adam.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: 'Workflows' }).click();
  await adam.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
  await adam.getByRole('link', { name: 'Support request' }).click();
  const diagram = adam.locator('svg[role="img"]');
  await diagram.waitFor();
  const statuses = await redress.api('admin@acme.example', 'GET', '/api/v1/workflows');
  const support = statuses.items.find((w) => w.id === 'support-request');
  for (const st of support.statuses) await diagram.getByText(st.label, { exact: true }).first().waitFor();
  await h.checkA11y(adam, 'admin-workflow');
  assert.deepEqual(h.pageProblems(adam), []);
}));
