// Seed 004 (a Critizr review), in the browser and in French: the review becomes a
// request; the agent processes it from "Demandes à traiter", sees what the qualification
// still lacks (closing is refused, naming it), picks the reason, looks the author up with
// the magnifier, creates her, picks the response template offered for that reason (htmx
// fills the reply box), adds a line, answers through the platform and closes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './harness.mjs';

h.skipUnlessReady();

const critizrToken = 'critizr-token-for-seed-004';
const critizrSecret = 'critizr-webhook-secret';
let redress, browser, platform, ticket;

before(async () => {
  platform = await h.startWebhookReceiver();
  redress = await h.Redress.start({
    name: 'seed004',
    users: [
      { email: 'admin@acme.example', name: 'Admin', role: 'admin' },
      { email: 'alice@acme.example', name: 'Alice Martin', role: 'agent', language: 'fr' },
    ],
    config: [
      '[[review_sources]]',
      'name = "critizr"',
      `token = "${critizrToken}"`,
      'language = "fr"',
      `reply_url = "${platform.url}"`,
      `reply_secret = "${critizrSecret}"`,
      '',
    ].join('\n'),
  });
  browser = await h.launchBrowser();

  // Set-up: Alice's signature, the reasons and their templates, then the review.
  const alice = await redress.api('admin@acme.example', 'GET', '/api/v1/users?limit=100');
  const aliceId = alice.items.find((u) => u.email === 'alice@acme.example').id;
  await redress.api('alice@acme.example', 'PATCH', `/api/v1/users/${aliceId}`, { signature: 'Alice\nService clients ACME' });
  const late = await redress.api('admin@acme.example', 'POST', '/api/v1/reasons', {
    workflow: 'support-request', code: 'late_delivery', labels: { en: 'Late delivery', fr: 'Livraison en retard' },
  });
  const billing = await redress.api('admin@acme.example', 'POST', '/api/v1/reasons', {
    workflow: 'support-request', code: 'billing', labels: { en: 'Billing', fr: 'Facturation' },
  });
  await redress.api('admin@acme.example', 'POST', '/api/v1/templates', {
    name: 'Retard de livraison', language: 'fr', reasons: [late.id], subject: 'Votre avis sur votre livraison',
    body: 'Bonjour {{contact.name}},\n\nNous sommes désolés du retard de votre commande.\n\n{{agent.signature}}',
  });
  await redress.api('admin@acme.example', 'POST', '/api/v1/templates', {
    name: 'Facture', language: 'fr', reasons: [billing.id], subject: 'Votre facture', body: 'Bonjour {{contact.name}}',
  });
  const review = await redress.api(`Bearer ${critizrToken}`, 'POST', '/api/v1/inbound/reviews', {
    source: 'critizr', external_id: 'cz-4411',
    author: { name: 'Hélène Garnier', email: 'helene.garnier@mail.example' },
    rating: 1, text: 'Livré avec dix jours de retard, aucune excuse.', url: 'https://critizr.example/r/4411',
  }, { expect: [201] });
  ticket = review.ticket;
});

after(async () => {
  await browser?.close();
  await redress?.stop();
  await platform?.close();
});

test('a review is qualified, answered with a template through the platform, and closed', h.story(async () => {
  const alice = await h.personPage(browser, redress);
  await h.login(alice, 'alice@acme.example');

  // "Demandes à traiter": the review waits; she processes the first one.
  await alice.getByRole('heading', { name: 'Demandes à traiter' }).waitFor();
  await alice.getByRole('link', { name: ticket.number }).waitFor();
  await h.checkA11y(alice, 'queue-fr');
  await alice.getByRole('button', { name: 'Traiter les tickets' }).click();
  await alice.waitForURL(new RegExp(`/desk/tickets/${ticket.number}$`));
  const thread = alice.getByRole('region', { name: 'Échanges' });
  await thread.getByRole('article').filter({ hasText: 'https://critizr.example/r/4411' }).getByText(/Livré avec dix jours de retard/).waitFor();
  await h.checkA11y(alice, 'ticket-review-fr');

  // What is missing is marked: the reason and the contact carry the red asterisk.
  const contact = alice.getByRole('region', { name: 'Contact' });
  const qualification = alice.getByRole('region', { name: 'Qualification' });
  await contact.getByRole('heading').locator('.req').waitFor();
  await qualification.locator('label[for=q-reason] .req').waitFor();
  await contact.getByText('Pas encore de contact.').waitFor();

  // Closing now is refused, naming what is missing in her language, as the qualification
  // box does.
  await alice.getByRole('button', { name: 'Clôturer la demande' }).click();
  const refusal = alice.getByRole('alert');
  await refusal.waitFor();
  await refusal.getByText('Impossible pour l\'instant. Il manque encore :').waitFor();
  for (const label of ['Motif', 'Contact', 'Réponse au client (ou une note expliquant pourquoi)']) {
    await refusal.getByText(label, { exact: true }).waitFor();
  }
  await h.checkA11y(alice, 'ticket-close-refused-fr');

  // The reason ("motif").
  await qualification.getByLabel('Motif').selectOption({ label: 'Livraison en retard' });
  await qualification.getByRole('button', { name: 'Enregistrer' }).click();
  await alice.getByRole('region', { name: 'Qualification' }).locator('label[for=q-reason] .req').waitFor({ state: 'detached' });

  // The magnifier finds nobody by her name; she creates her, and the profile fills in.
  await contact.getByLabel('Rechercher un contact').fill('Garnier');
  await contact.getByRole('button', { name: 'Rechercher' }).click();
  await contact.getByText('Aucun contact trouvé.').waitFor();
  await h.checkA11y(alice, 'ticket-contact-search-fr');
  await contact.getByText('Nouveau contact').click();
  await contact.getByLabel('Nom').fill('Hélène Garnier');
  await contact.getByLabel('E-mail').fill('helene.garnier@mail.example');
  await contact.getByRole('button', { name: 'Définir comme contact principal' }).click();
  await alice.getByRole('region', { name: 'Contact' }).getByRole('link', { name: 'Hélène Garnier' }).waitFor();

  // The templates offered are those of the reason; picking one fills the reply box.
  const reply = alice.getByRole('region', { name: 'Répondre' });
  const picker = reply.getByLabel('Modèle de réponse');
  assert.deepEqual(await picker.locator('option').allTextContents(), ['Sans modèle', 'Retard de livraison']);
  await picker.selectOption({ label: 'Retard de livraison' });
  const box = reply.getByLabel('Message');
  await alice.waitForFunction(() => document.querySelector('#reply-body')?.value.startsWith('Bonjour Hélène Garnier,'));
  let body = await box.inputValue();
  assert.ok(body.includes('Service clients ACME'), body);
  await h.checkA11y(alice, 'ticket-template-fr');

  // She adds a line and answers "par Critizr".
  body = body.replace('\n\nAlice', "\nUn bon d'achat de 10 € vous a été envoyé.\n\nAlice");
  await box.fill(body);
  await reply.getByRole('button', { name: 'Envoyer' }).click();
  await thread.getByText("Un bon d'achat de 10 € vous a été envoyé.").waitFor();

  const [hook] = await h.waitUntil(() => (platform.received.length ? platform.received : null), {
    describe: () => 'the platform was never called',
  });
  assert.equal(platform.received.length, 1);
  assert.equal(hook.headers['x-redress-signature'], platform.hmac(critizrSecret, `${hook.headers['x-redress-timestamp']}.${hook.body}`));
  const payload = JSON.parse(hook.body);
  assert.equal(payload.source, 'critizr');
  assert.equal(payload.external_id, 'cz-4411');
  assert.equal(payload.body, body);

  // "Demande clôturée": everything is there now.
  await alice.getByRole('button', { name: 'Clôturer la demande' }).click();
  await alice.getByText('Demande clôturée', { exact: true }).first().waitFor();
  await h.checkA11y(alice, 'ticket-closed-fr');
  assert.deepEqual(redress.readMails(), [], 'answered on the platform, not by mail');
  assert.deepEqual(h.pageProblems(alice), []);
}));
