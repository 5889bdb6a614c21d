// Reports and administration pages: for now only that they open for the people they are
// for and pass axe. Both pages are being built; their content is checked once it lands.
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
    ],
  });
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
  await h.checkA11y(vera, 'reports');
  // TODO(reports): once the reports page is built, check here what seed 000 promises
  // ("other users can always consult the Complaint or the Reports"): the counts by status,
  // reason, assignee and channel for a few tickets made in set-up, the created-vs-closed
  // and time-to-resolution charts (a <canvas> per chart, drawn by Chart.js, each with a
  // text alternative or a table beside it), and the CSV export link.
  assert.deepEqual(h.pageProblems(vera), []);
}));

test('an admin opens the administration', h.story(async () => {
  const adam = await h.personPage(browser, redress);
  await h.login(adam, 'admin@acme.example');
  await adam.getByRole('link', { name: 'Admin', exact: true }).click();
  await adam.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
  await h.checkA11y(adam, 'admin');
  // TODO(admin): once the administration pages are built, walk what an admin does there
  // (users and rights, reasons, templates, routing table) by clicking.
  assert.deepEqual(h.pageProblems(adam), []);
}));
