// Seed 001, in the browser and in French: a mailed request; Alice opens it with "Traiter
// les tickets" (which assigns it to her), Bob finds it taken by her; she removes her
// assignment ("Supprimer mon affectation") and Bob can open it and take it himself
// ("M'affecter ce ticket"), after which Alice is the one who finds it taken.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

h.skipUnlessReady();

let redress, browser, number;
const users = [
  { email: 'alice@acme.example', name: 'Alice Martin', role: 'agent' },
  { email: 'bob@acme.example', name: 'Bob Lefèvre', role: 'agent', language: 'fr' },
  { email: 'mailgate@acme.example', name: 'Mail gate', role: 'viewer', rights: ['mail.intake'] },
];

before(async () => {
  redress = await h.Redress.start({ name: 'seed001', users });
  browser = await h.launchBrowser();
  // Set-up: the customer's mail arrives, as the MTA would hand it in.
  const raw = [
    'From: Marc Petit <marc@client.example>',
    `To: ${redress.sender}`,
    'Subject: =?UTF-8?Q?Commande_881_incompl=C3=A8te?=',
    'Message-ID: <c881@client.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Il manque un article.',
    '',
  ].join('\r\n');
  const stored = await redress.api('mailgate@acme.example', 'POST', '/api/v1/inbound/mail', raw, {
    headers: { 'Content-Type': 'message/rfc822' },
    expect: [201],
  });
  number = stored.ticket.number;
});

after(async () => {
  await browser?.close();
  await redress?.stop();
});

test('Traiter les tickets, taken, Supprimer mon affectation, then the colleague takes it', h.story(async () => {
  // The customer was told their request is recorded.
  const [ack] = await redress.waitForMails((all) => all.filter((m) => m.rcptTos.includes('marc@client.example')));
  assert.ok(ack.header('Subject').includes(`[#${number}]`), ack.header('Subject'));

  // Alice works in French: she says so in her profile.
  const alice = await h.personPage(browser, redress);
  await h.login(alice, 'alice@acme.example');
  await alice.getByRole('link', { name: 'Alice Martin' }).click();
  await alice.getByRole('heading', { name: 'My profile' }).waitFor();
  await h.checkA11y(alice, 'profile');
  await alice.getByLabel('Language').selectOption({ label: 'French' });
  await alice.getByRole('button', { name: 'Save' }).click();
  await alice.getByRole('heading', { name: 'Mon profil' }).waitFor();
  await alice.getByRole('status').filter({ hasText: 'Enregistré' }).waitFor();

  // "Demandes à traiter", then "Traiter les tickets": the request opens, and is hers.
  await alice.getByRole('link', { name: 'Demandes à traiter' }).click();
  await alice.getByRole('heading', { name: 'Demandes à traiter' }).waitFor();
  await alice.getByRole('link', { name: number }).waitFor();
  await h.checkA11y(alice, 'queue-fr');
  await alice.getByRole('button', { name: 'Traiter les tickets' }).click();
  await alice.getByRole('heading', { name: 'Commande 881 incomplète' }).waitFor();
  assert.ok(alice.url().endsWith(`/desk/tickets/${number}`), alice.url());
  await alice.getByText('Pris par Alice Martin').waitFor();
  await alice.getByText('Ouverte', { exact: true }).first().waitFor();
  await h.checkA11y(alice, 'ticket-fr');

  // Bob opens the same request from the list of all tickets: taken, by Alice.
  const bob = await h.personPage(browser, redress, { locale: 'fr-FR' });
  await h.login(bob, 'bob@acme.example');
  await bob.getByRole('link', { name: 'Tous les tickets' }).click();
  await bob.getByRole('heading', { name: 'Tous les tickets' }).waitFor();
  await h.checkA11y(bob, 'tickets-fr');
  await bob.getByRole('link', { name: number }).click();
  await bob.getByRole('heading', { name: 'Ce ticket est pris' }).waitFor();
  await bob.getByText('Il est affecté à Alice Martin').waitFor();
  await h.checkA11y(bob, 'ticket-locked-fr');
  assert.equal(await bob.getByRole('button', { name: "M'affecter ce ticket" }).count(), 0);

  // Alice removes her assignment: back to her queue.
  await alice.getByRole('button', { name: 'Supprimer mon affectation' }).click();
  await alice.getByRole('heading', { name: 'Demandes à traiter' }).waitFor();

  // Bob can open it now, and takes it himself.
  await bob.getByRole('link', { name: 'Tous les tickets' }).click();
  await bob.getByRole('heading', { name: 'Tous les tickets' }).waitFor();
  await bob.getByRole('link', { name: number }).click();
  await bob.getByRole('heading', { name: 'Commande 881 incomplète' }).waitFor();
  await bob.getByRole('button', { name: "M'affecter ce ticket" }).click();
  await bob.getByText('Pris par Bob Lefèvre').waitFor();
  await bob.getByRole('button', { name: 'Supprimer mon affectation' }).waitFor();

  // Now Alice is the one who finds it taken.
  await alice.getByRole('link', { name: number }).click();
  await alice.getByRole('heading', { name: 'Ce ticket est pris' }).waitFor();
  await alice.getByText('Il est affecté à Bob Lefèvre').waitFor();

  // Taking and releasing mail nobody: the customer's acknowledgement is the only mail.
  assert.deepEqual(redress.readMails().map((m) => m.rcptTos), [['marc@client.example']]);
  assert.deepEqual(h.pageProblems(alice), []);
  assert.deepEqual(h.pageProblems(bob), []);
}));
