// Seed 003 (messages on requests), in the browser: the customer writes on her request in
// the portal (in French) and gets a receipt, the agent holding it is alerted, reads it in
// the thread and replies; the reply mail links to the portal, where she reads it. Then the
// agent blocks customer messages on the request, and unblocks them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

h.skipUnlessReady();

let redress, browser, number;
const users = [
  { email: 'alice@acme.example', name: 'Alice Martin', role: 'agent', rights: ['messages.block'] },
  { email: 'sophie@client.example', name: 'Sophie Laurent', role: 'customer', language: 'fr' },
];

before(async () => {
  redress = await h.Redress.start({ name: 'seed003', users });
  browser = await h.launchBrowser();
  // Set-up: Sophie's request exists, and Alice holds it.
  const t = await redress.api('alice@acme.example', 'POST', '/api/v1/tickets', {
    workflow: 'support-request',
    subject: 'Accès au rapport mensuel',
    description: 'Le rapport de novembre ne s’affiche pas.',
    contacts: [{ email: 'sophie@client.example', name: 'Sophie Laurent', language: 'fr', main: true }],
  });
  number = t.number;
  await redress.api('alice@acme.example', 'POST', `/api/v1/tickets/${t.id}/take`);
});

after(async () => {
  await browser?.close();
  await redress?.stop();
});

test('the customer writes in the portal, the agent replies, the customer reads the reply; messages blocked and allowed again', h.story(async () => {
  // Sophie writes on her request.
  const sophie = await h.personPage(browser, redress, { locale: 'fr-FR' });
  await h.login(sophie, 'sophie@client.example');
  await sophie.getByRole('heading', { name: 'Mes demandes' }).waitFor();
  await h.checkA11y(sophie, 'portal-fr');
  await sophie.getByRole('link', { name: number }).click();
  await sophie.getByRole('heading', { name: 'Accès au rapport mensuel' }).waitFor();
  await h.checkA11y(sophie, 'portal-request-fr');
  await sophie.getByLabel('Message').fill("Je n'arrive pas à ouvrir le rapport.");
  await sophie.getByRole('button', { name: 'Envoyer' }).click();
  const thread = sophie.getByRole('region', { name: 'Échanges' });
  await thread.getByText("Je n'arrive pas à ouvrir le rapport.").waitFor();

  // A receipt in French for her, an alert for Alice with the message.
  const first = await redress.waitForMails((all) => (all.length >= 2 ? all : null));
  const receipt = first.find((m) => m.rcptTos.includes('sophie@client.example'));
  const alert = first.find((m) => m.rcptTos.includes('alice@acme.example'));
  assert.ok(receipt && alert, JSON.stringify(first.map((m) => m.rcptTos)));
  assert.match(receipt.raw, /\r\nContent-Language: fr\r\n/);
  assert.ok(alert.text.includes('ouvrir le rapport'), alert.text);

  // Alice sees the message in the thread and answers the customer.
  const alice = await h.personPage(browser, redress);
  await h.login(alice, 'alice@acme.example');
  await alice.getByRole('region', { name: 'Assigned to me' }).getByRole('link', { name: number }).click();
  await alice.getByRole('heading', { name: 'Accès au rapport mensuel' }).waitFor();
  const desk = alice.getByRole('region', { name: 'Thread' });
  await desk.getByText("Je n'arrive pas à ouvrir le rapport.").waitFor();
  await h.checkA11y(alice, 'ticket-customer-message');
  const reply = alice.getByRole('region', { name: 'Reply' });
  await reply.getByLabel('Message').fill('Le rapport est de nouveau disponible.');
  assert.ok(await reply.getByLabel('Reply to the customer').isChecked());
  await reply.getByRole('button', { name: 'Send' }).click();
  await desk.getByText('Le rapport est de nouveau disponible.').waitFor();
  await h.checkA11y(alice, 'ticket-replied');

  // The reply reaches Sophie with a link to her request in the portal.
  const [mail] = await redress.waitForMails((all) =>
    all.filter((m) => m.number > Math.max(...first.map((f) => f.number)) && m.rcptTos.includes('sophie@client.example')),
  );
  assert.deepEqual(mail.rcptTos, ['sophie@client.example']);
  assert.ok(mail.text.includes('Le rapport est de nouveau disponible.'), mail.text);
  const link = mail.text.match(/http:\/\/127\.0\.0\.1:\d+\/portal\/\S+/)?.[0];
  assert.ok(link, mail.text);
  assert.ok(link.endsWith(number), link);

  // She follows the link and reads the answer.
  await sophie.goto(link);
  await sophie.getByRole('heading', { name: 'Accès au rapport mensuel' }).waitFor();
  await sophie.getByRole('region', { name: 'Échanges' }).getByText('Le rapport est de nouveau disponible.').waitFor();
  await h.checkA11y(sophie, 'portal-request-reply-fr');

  // Alice blocks customer messages on the request: Sophie is told, and has no box to write in.
  const messaging = alice.getByRole('region', { name: 'Customer messages' });
  await messaging.getByRole('button', { name: 'Block customer messages' }).click();
  await alice.getByText('Customer messaging blocked').waitFor();
  await h.checkA11y(alice, 'ticket-messaging-blocked');
  await sophie.reload();
  await sophie.getByRole('status').filter({ hasText: 'Les messages sont fermés sur cette demande' }).waitFor();
  assert.equal(await sophie.getByLabel('Message').count(), 0);
  await h.checkA11y(sophie, 'portal-request-blocked-fr');
  // Unblocked: she can write again.
  await messaging.getByRole('button', { name: 'Allow customer messages' }).click();
  await messaging.getByRole('button', { name: 'Block customer messages' }).waitFor();
  await sophie.reload();
  await sophie.getByLabel('Message').waitFor();

  // Every mail of the story: the receipt, the alert, the reply; nothing else.
  const sent = redress.readMails().map((m) => `${m.rcptTos.join(',')} ${m.header('Subject')}`).sort();
  assert.deepEqual(sent, [
    `alice@acme.example [#${number}] New customer message: Accès au rapport mensuel`,
    `sophie@client.example [#${number}] Nous avons bien reçu votre message : Accès au rapport mensuel`,
    `sophie@client.example [#${number}] Réponse à votre demande : Accès au rapport mensuel`,
  ]);
  for (const p of [sophie, alice]) assert.deepEqual(h.pageProblems(p), []);
}));
