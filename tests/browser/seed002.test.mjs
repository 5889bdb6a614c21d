// Seed 002 (SwiftCase), in the browser: the customer logs a complaint in the portal; the
// agent acknowledges it and assigns a team member; the team member accepts the task,
// is blocked, unblocks it and resolves it (a note each time); the customer sees the
// request waiting for them and presses "Issue Resolved"; the ticket is closed and its
// history says by whom.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

h.skipUnlessReady();

let redress, browser;
const users = [
  { email: 'sam@acme.example', name: 'Sam Agent', role: 'agent' },
  { email: 'tina@acme.example', name: 'Tina Team', role: 'agent' },
  { email: 'lea.roux@client.example', name: 'Léa Roux', role: 'customer' },
];

before(async () => {
  redress = await h.Redress.start({ name: 'seed002', users });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await redress?.stop();
});

test('a complaint goes from the portal to Issue Resolved', h.story(async () => {
  // The customer logs the complaint (the seed's first three steps).
  const lea = await h.personPage(browser, redress);
  await h.login(lea, 'lea.roux@client.example');
  await lea.getByRole('heading', { name: 'My requests' }).waitFor();
  await h.checkA11y(lea, 'portal-empty');
  await lea.getByRole('main').getByRole('link', { name: 'New complaint' }).click();
  await lea.getByRole('heading', { name: 'New complaint' }).waitFor();
  await h.checkA11y(lea, 'portal-new');
  await lea.getByLabel('Kind of request').selectOption({ label: 'Customer complaint' });
  await lea.getByLabel('Subject').fill('Invoice charged twice');
  await lea.getByLabel('Description').fill('I was charged twice for order 5521.');
  await lea.getByRole('button', { name: 'Send' }).click();
  await lea.getByRole('status').filter({ hasText: 'your request is recorded' }).waitFor();
  await lea.waitForURL(/\/portal\/requests\/C-\d{4}-\d+/);
  const number = new URL(lea.url()).pathname.split('/').pop();
  await lea.getByText('Complaint Logged', { exact: true }).first().waitFor();
  await h.checkA11y(lea, 'portal-request');

  // Sam acknowledges it, picks the team member and assigns the task.
  const sam = await h.personPage(browser, redress);
  await h.login(sam, 'sam@acme.example');
  await sam.getByRole('link', { name: number }).click();
  await sam.getByRole('heading', { name: 'Invoice charged twice' }).waitFor();
  await h.checkA11y(sam, 'ticket');
  await sam.getByRole('region', { name: 'Acknowledgement' }).getByRole('button', { name: 'Send Acknowledgement Mail' }).click();
  await sam.getByRole('status').filter({ hasText: 'The acknowledgement mail is on its way.' }).waitFor();
  const [ack] = await redress.waitForMails((all) => all.filter((m) => m.header('Subject').includes('We have received')));
  assert.deepEqual(ack.rcptTos, ['lea.roux@client.example']);

  const people = sam.getByRole('region', { name: 'Assignees' });
  await people.getByLabel('Team member').selectOption({ label: 'Tina Team' });
  await h.submit(sam, people.getByRole('button', { name: 'Assign', exact: true }));
  await sam.getByRole('button', { name: 'Assign Team Member' }).click();
  await sam.getByText('Team Member Assigned', { exact: true }).first().waitFor();
  // The routing table: the team member is told she was assigned, and that action is needed.
  await redress.waitForMails((all) => {
    const hers = all.filter((m) => m.rcptTos.includes('tina@acme.example'));
    return hers.length >= 2 ? hers : null;
  });

  // Tina finds it in her queue and accepts it.
  const tina = await h.personPage(browser, redress);
  await h.login(tina, 'tina@acme.example');
  await tina.getByRole('region', { name: 'Assigned to me' }).getByRole('link', { name: number }).click();
  await tina.getByRole('heading', { name: 'Invoice charged twice' }).waitFor();
  await tina.getByRole('button', { name: 'Accept Task' }).click();
  await tina.getByText('In Progress', { exact: true }).first().waitFor();
  await h.checkA11y(tina, 'ticket-in-progress');

  // Blocked with a note, then unblocked with feedback.
  await tina.getByLabel('Note for “Blocked”').fill('Waiting for the bank statement.');
  await tina.getByRole('button', { name: 'Blocked', exact: true }).click();
  // Only a blocked task offers "Blocker Resolved".
  await tina.getByLabel('Note for “Blocker Resolved”').waitFor();
  await h.checkA11y(tina, 'ticket-blocked');
  await tina.getByLabel('Note for “Blocker Resolved”').fill('Statement received: charged twice indeed.');
  await tina.getByRole('button', { name: 'Blocker Resolved' }).click();
  await tina.getByText('In Progress', { exact: true }).first().waitFor();

  // Resolved, with the feedback the workflow asks for.
  await tina.getByLabel('Note for “Resolved”').fill('The second charge was refunded.');
  await tina.getByRole('button', { name: 'Resolved', exact: true }).click();
  await tina.getByText('Confirmation', { exact: true }).first().waitFor();
  const [ask] = await redress.waitForMails((all) => all.filter((m) => m.header('Subject').includes('please confirm')));
  assert.deepEqual(ask.rcptTos, ['lea.roux@client.example']);
  assert.ok(ask.text.includes('"Issue Resolved"'), ask.text);
  assert.ok(ask.text.includes('The second charge was refunded.'), ask.text);

  // The customer sees the request waiting for her, and confirms.
  await lea.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My requests' }).click();
  const row = lea.getByRole('row').filter({ hasText: number });
  await row.getByText('Waiting for you').waitFor();
  await h.checkA11y(lea, 'portal-waiting');
  await row.getByRole('link', { name: number }).click();
  await lea.getByRole('heading', { name: 'Is your issue resolved?' }).waitFor();
  await h.checkA11y(lea, 'portal-request-confirm');
  await lea.getByRole('button', { name: 'Issue Resolved' }).click();
  await lea.getByText('This request is closed.').waitFor();
  await lea.getByText('Closed', { exact: true }).first().waitFor();
  assert.equal(await lea.getByRole('button', { name: 'Issue Resolved' }).count(), 0);

  // Sam sees it closed, and the history says Léa confirmed.
  await sam.getByRole('link', { name: 'History' }).click();
  const history = sam.getByRole('list').filter({ hasText: 'changed the status' });
  const confirmed = history.getByRole('listitem').filter({ hasText: 'Léa Roux' }).filter({ hasText: '→ Closed' });
  await confirmed.waitFor();
  assert.match(await confirmed.textContent(), /confirm/);
  await sam.getByText('Closed', { exact: true }).first().waitFor();
  await h.checkA11y(sam, 'ticket-history');

  // Every mail of the story: who got what.
  const sent = redress.readMails().map((m) => `${m.rcptTos.join(',')} ${m.header('Subject')}`).sort();
  assert.deepEqual(sent, [
    `lea.roux@client.example [#${number}] We have received your request: Invoice charged twice`,
    `lea.roux@client.example [#${number}] Your complaint has been resolved: please confirm`,
    `tina@acme.example [#${number}] Action needed: Invoice charged twice (Team Member Assigned)`,
    `tina@acme.example [#${number}] Assigned to you: Invoice charged twice`,
  ]);
  for (const p of [lea, sam, tina]) assert.deepEqual(h.pageProblems(p), []);
}));
