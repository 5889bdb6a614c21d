// Seed 000, in the browser: David logs a complaint for investigation with an Investigator
// and a Commercial Assignee and a French main contact, sends the acknowledgement in
// French with a CC, then starts the investigation: the Investigator alone is mailed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

h.skipUnlessReady();

let redress, browser;
const users = [
  { email: 'david@acme.example', name: 'David Moreau', role: 'agent' },
  { email: 'ivan@acme.example', name: 'Ivan Investigator', role: 'agent' },
  { email: 'carla@acme.example', name: 'Carla Commercial', role: 'agent' },
];

before(async () => {
  redress = await h.Redress.start({ name: 'seed000', users });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await redress?.stop();
});

test('David logs a complaint, acknowledges it in French with a CC, and the Investigator is told', h.story(async () => {
  const david = await h.personPage(browser, redress);
  await h.login(david, 'david@acme.example');
  await david.getByRole('heading', { name: 'Requests to process' }).waitFor();
  await h.checkA11y(david, 'queue');

  // Log the complaint: the workflow first (its roles shape the form), then the fields.
  await david.getByRole('link', { name: 'New ticket' }).click();
  await david.getByRole('heading', { name: 'New ticket' }).waitFor();
  await david.getByLabel('Workflow').selectOption({ label: 'Complaint investigation' });
  await david.getByRole('button', { name: 'Choose' }).click();
  await david.getByLabel('Investigator').waitFor();
  await h.checkA11y(david, 'new-ticket');
  await david.getByLabel('Subject').fill('Livraison endommagée');
  await david.getByLabel('Description').fill('Le colis est arrivé écrasé.');
  await david.getByLabel('Language').selectOption({ label: 'French' });
  await david.getByLabel('Investigator').selectOption({ label: 'Ivan Investigator' });
  await david.getByLabel('Commercial assignee').selectOption({ label: 'Carla Commercial' });
  const contact = david.getByRole('group', { name: 'New contact' });
  await contact.getByLabel('Name').fill('Jeanne Dupont');
  await contact.getByLabel('E-mail').fill('jeanne.dupont@client.example');
  await david.getByRole('button', { name: 'Create the ticket' }).click();

  // The ticket page: logged, with its people.
  await david.getByRole('heading', { name: 'Livraison endommagée' }).waitFor();
  await david.waitForURL(/\/desk\/tickets\/C-\d{4}-\d+$/);
  const number = david.url().split('/').pop();
  await david.getByText('Logged', { exact: true }).first().waitFor();
  const people = david.getByRole('region', { name: 'Assignees' });
  assert.equal(await people.getByLabel('Investigator').locator('option:checked').textContent(), 'Ivan Investigator');
  assert.equal(await people.getByLabel('Commercial assignee').locator('option:checked').textContent(), 'Carla Commercial');
  await david.getByRole('region', { name: 'Contact' }).getByText('Jeanne Dupont').waitFor();
  await h.checkA11y(david, 'ticket');
  assert.deepEqual(redress.readMails(), [], 'logging a complaint mails nobody by itself');

  // "Send Acknowledgement Mail": the contact plus a CC, in French.
  const ack = david.getByRole('region', { name: 'Acknowledgement' });
  await ack.getByLabel('CC').fill('qualite@client.example');
  await ack.getByLabel('Language of the mail').selectOption({ label: 'French' });
  await ack.getByRole('button', { name: 'Send Acknowledgement Mail' }).click();
  await david.getByRole('status').filter({ hasText: 'The acknowledgement mail is on its way.' }).waitFor();

  const [mail] = await redress.waitForMails((all) => all);
  assert.deepEqual(mail.rcptTos, ['jeanne.dupont@client.example', 'qualite@client.example']);
  assert.match(mail.raw, /\r\nContent-Language: fr\r\n/);
  assert.ok(mail.header('Subject').includes(`[#${number}]`), mail.header('Subject'));
  assert.ok(mail.header('Subject').includes('Nous avons bien reçu votre demande'), mail.header('Subject'));
  assert.ok(mail.header('Cc').includes('qualite@client.example'), mail.header('Cc'));
  assert.ok(mail.text.includes('Bonjour Jeanne Dupont'), mail.text);

  // "Start Investigation": the routing table tells the Investigator, nobody else.
  await david.getByRole('button', { name: 'Start Investigation' }).click();
  await david.getByText('Under Investigation', { exact: true }).first().waitFor();
  await h.checkA11y(david, 'ticket-under-investigation');
  const mails = await redress.waitForMails((all) => (all.length >= 2 ? all : null));
  assert.equal(mails.length, 2, 'one acknowledgement and one notification');
  const notice = mails[1];
  assert.deepEqual(notice.rcptTos, ['ivan@acme.example']);
  assert.ok(notice.text.includes(number), notice.text);
  assert.equal(notice.header('Auto-Submitted'), 'auto-generated');

  // The history keeps both.
  await david.getByRole('link', { name: 'History' }).click();
  await david.getByRole('heading', { name: 'History', level: 2 }).waitFor();
  const history = david.getByRole('list').filter({ hasText: 'changed the status' });
  await history.getByRole('listitem').filter({ hasText: 'David Moreau' }).filter({ hasText: 'Logged → Under Investigation' }).waitFor();
  await h.checkA11y(david, 'ticket-history');
  assert.deepEqual(h.pageProblems(david), []);
}));
