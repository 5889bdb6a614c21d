// The browser tests' harness: a real `redress serve` on a fresh SQLite file, Debian's
// Chromium driven by playwright-core, axe-core on every page, and the mails the SMTP
// capture server (scripts/smtp-capture-server.sh) received.
//
// Environment:
//   REDRESS_BIN              the redress binary (CTest passes $<TARGET_FILE:redress>)
//   REDRESS_TEST_SMTP_URL    the capture server (scripts/test.sh starts it)
//   REDRESS_TEST_SMTP_DIR    where it keeps what it receives (DIR/messages/N.eml + N.json)
//   REDRESS_CHROMIUM         the browser (default /usr/bin/chromium)
//   REDRESS_SCREENSHOTS      a directory: full-page PNGs of the main pages are saved there
//   REDRESS_AXE_IMPACTS      the axe impacts that fail a test (default serious,critical)
//   REDRESS_KEEP_TMP         set: keep each server's temp dir (database, serve.log)
// Without the server, the browser or web/node_modules, a test file prints
// "SKIPPED: <why>" and exits with 77 (CTest's SKIP_RETURN_CODE).
//
// The capture directory is shared with other tests: each server started here sends from
// an address of its own, and readMails() returns only the mails from that address.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const webDir = path.join(repoRoot, 'web');
const requireFromWeb = createRequire(path.join(webDir, 'package.json'));
const chromiumPath = process.env.REDRESS_CHROMIUM || '/usr/bin/chromium';

export const SKIP_CODE = 77;

// ---------------------------------------------------------------------------------------
// Skipping.

function missing() {
  const bin = process.env.REDRESS_BIN;
  if (!bin) return 'REDRESS_BIN is not set (the redress binary; CTest sets it)';
  if (!isExecutable(bin)) return `REDRESS_BIN=${bin} is not an executable file`;
  for (const name of ['REDRESS_TEST_SMTP_URL', 'REDRESS_TEST_SMTP_DIR']) {
    if (!process.env[name]) return `mail server not available: set ${name} (scripts/test.sh starts one)`;
  }
  if (!fs.existsSync(path.join(process.env.REDRESS_TEST_SMTP_DIR, 'messages')))
    return `REDRESS_TEST_SMTP_DIR=${process.env.REDRESS_TEST_SMTP_DIR} has no messages/ directory`;
  if (!isExecutable(chromiumPath)) return `no Chromium at ${chromiumPath} (apt-get install chromium)`;
  for (const pkg of ['playwright-core', 'axe-core']) {
    try {
      requireFromWeb.resolve(pkg);
    } catch {
      return `web/node_modules/${pkg} is missing: run npm ci in web/`;
    }
  }
  return null;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// Call first, at the top of a test file: exits with 77 when something the tests need is
// not there. (Under `node --test` the runner turns any exit code into its own failure;
// CTest also matches the SKIPPED line, see tests/CMakeLists.txt.)
export function skipUnlessReady() {
  const why = missing();
  if (!why) return;
  console.log(`SKIPPED: ${why}`);
  process.exit(SKIP_CODE);
}

// ---------------------------------------------------------------------------------------
// Small helpers.

// Polls fn() until it returns a truthy value, and returns that; throws with describe()
// after the deadline. For what the page cannot tell (mail, a webhook), never a fixed sleep.
export async function waitUntil(fn, { timeout = 10_000, interval = 100, describe = () => '' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms${describe() ? ': ' + describe() : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function token(n = 6) {
  return randomBytes(n).toString('hex');
}

// ---------------------------------------------------------------------------------------
// Reading captured mail: headers (RFC 2047 decoded) and the text/plain part.

function splitMessage(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  if (at < 0) return { head: raw, body: '' };
  const sep = raw.slice(at).match(/^\r?\n\r?\n/)[0];
  return { head: raw.slice(0, at), body: raw.slice(at + sep.length) };
}

function parseHeaders(head) {
  const headers = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1][1] += ' ' + line.trim();
    else {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
  }
  return headers;
}

function decodeCharset(bytes, charset) {
  try {
    return new TextDecoder((charset || 'utf-8').toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset, enc, text) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))),
              'latin1',
            );
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

function param(value, name) {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(value || '');
  return m ? m[1] ?? m[2] : undefined;
}

function decodeBody(body, encoding, charset) {
  const enc = (encoding || '7bit').toLowerCase();
  let bytes;
  if (enc === 'base64') bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  else if (enc === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    bytes = Buffer.from(soft.replace(/=([0-9A-Fa-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  } else bytes = Buffer.from(body, 'latin1');
  return decodeCharset(bytes, charset);
}

// The first text/plain part of a MIME entity, decoded; '' when there is none.
function textPart(raw) {
  const { head, body } = splitMessage(raw);
  const headers = parseHeaders(head);
  const get = (n) => headers.find(([k]) => k === n)?.[1];
  const type = get('content-type') || 'text/plain';
  const mime = type.split(';')[0].trim().toLowerCase();
  if (mime.startsWith('multipart/')) {
    const boundary = param(type, 'boundary');
    if (!boundary) return '';
    const parts = body.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?\\r?\\n?`));
    for (const part of parts.slice(1)) {
      const text = textPart(part);
      if (text) return text;
    }
    return '';
  }
  if (mime !== 'text/plain') return '';
  return decodeBody(body, get('content-transfer-encoding'), param(type, 'charset'));
}

// One captured mail as a test reads it.
function readCaptured(dir, n) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, `${n}.json`), 'utf8'));
  const raw = fs.readFileSync(path.join(dir, `${n}.eml`)).toString('latin1');
  const headers = parseHeaders(splitMessage(raw).head);
  return {
    number: n,
    raw,
    mailFrom: meta.mail_from || '',
    rcptTos: (meta.rcpt_tos || []).map((a) => a.toLowerCase()).sort(),
    header(name) {
      const h = headers.find(([k]) => k === name.toLowerCase());
      return h ? decodeWords(h[1]) : '';
    },
    get text() {
      return textPart(raw);
    },
  };
}

// ---------------------------------------------------------------------------------------
// A webhook receiver (seed 004: the review platform Redress answers through).

export async function startWebhookReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/replies`,
    received,
    hmac: (secret, text) => 'sha256=' + createHmac('sha256', secret).update(text).digest('hex'),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

// ---------------------------------------------------------------------------------------
// The server.

export const PASSWORD = 'a long test password';

export class Redress {
  // users: [{email, name, role, rights?: [..], language?}]; config: extra TOML text.
  static async start({ name, users = [], config = '' }) {
    const r = new Redress(name);
    try {
      await r.#start(users, config);
    } catch (e) {
      await r.stop();
      throw e;
    }
    return r;
  }

  constructor(name) {
    this.name = name;
    this.bin = process.env.REDRESS_BIN;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `redress-browser-${name}-`));
    this.db = `sqlite:${path.join(this.dir, 'redress.db')}`;
    this.configFile = path.join(this.dir, 'redress.toml');
    this.smtpDir = path.join(process.env.REDRESS_TEST_SMTP_DIR, 'messages');
    // Our own envelope sender: the capture directory is shared.
    this.sender = `b-${name}-${token(4)}@redress.test`.toLowerCase();
    this.env = {
      ...process.env,
      REDRESS_AUTH_PASSWORD_COST: 'min',
      REDRESS_MAIL_FROM_ADDRESS: this.sender,
      REDRESS_MAIL_FROM_NAME: 'ACME Support',
      REDRESS_MAIL_SMTP_TIMEOUT_SECONDS: '10',
      REDRESS_LOG_LEVEL: 'warn',
    };
    this.tokens = new Map();
    this.child = null;
  }

  async #start(users, config) {
    fs.writeFileSync(this.configFile, config);
    for (const u of users) this.addUser(u);
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    const log = fs.openSync(path.join(this.dir, 'serve.log'), 'a');
    this.child = spawn(
      this.bin,
      ['serve', '--config', this.configFile, '--db', this.db, '--listen', `127.0.0.1:${this.port}`,
        '--base-url', this.url, '--smtp', process.env.REDRESS_TEST_SMTP_URL],
      { env: this.env, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    let gone = null;
    this.exited.then((e) => (gone = e));
    // Not stopped by the test's end (a crash of the test process): never leave it running.
    this.onExit = () => this.child && this.child.exitCode === null && this.child.kill('SIGKILL');
    process.on('exit', this.onExit);
    await waitUntil(
      async () => {
        if (gone) throw new Error(`redress serve exited (${JSON.stringify(gone)}): ${this.log()}`);
        try {
          const res = await fetch(`${this.url}/healthz`);
          return res.ok;
        } catch {
          return false;
        }
      },
      { timeout: 20_000, describe: () => `/healthz never answered; log: ${this.log()}` },
    );
  }

  log() {
    try {
      return fs.readFileSync(path.join(this.dir, 'serve.log'), 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  #cli(args, input) {
    const r = spawnSync(this.bin, [...args, '--config', this.configFile, '--db', this.db], {
      env: this.env,
      input,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.status !== 0) throw new Error(`redress ${args.join(' ')}: exit ${r.status}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  // `redress user add`: before or while the server runs.
  addUser({ email, name, role, rights = [], language }) {
    const args = ['user', 'add', '--email', email, '--name', name, '--role', role, '--password-stdin'];
    if (rights.length) args.push('--rights', rights.join(','));
    if (language) args.push('--language', language);
    this.#cli(args, PASSWORD + '\n');
  }

  // An API token for the account (`redress user token`), made once.
  token(email) {
    if (!this.tokens.has(email)) this.tokens.set(email, this.#cli(['user', 'token', '--email', email]).trim());
    return this.tokens.get(email);
  }

  // Set-up through the API (never for what a story is about). Throws on an unexpected status.
  async api(email, method, target, body, { expect = [200, 201, 202, 204], headers = {} } = {}) {
    const h = { Authorization: `Bearer ${email.startsWith('Bearer ') ? email.slice(7) : this.token(email)}`, ...headers };
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string') payload = body;
      else {
        payload = JSON.stringify(body);
        h['Content-Type'] = 'application/json';
      }
    }
    const res = await fetch(this.url + target, { method, headers: h, body: payload });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${target}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  // Every mail captured from this server, in arrival order.
  readMails() {
    let names;
    try {
      names = fs.readdirSync(this.smtpDir);
    } catch {
      return [];
    }
    const numbers = names
      .filter((f) => /^\d+\.eml$/.test(f))
      .map((f) => Number(f.slice(0, -4)))
      .filter((n) => names.includes(`${n}.json`))
      .sort((a, b) => a - b);
    const out = [];
    for (const n of numbers) {
      const meta = JSON.parse(fs.readFileSync(path.join(this.smtpDir, `${n}.json`), 'utf8'));
      if ((meta.mail_from || '').toLowerCase() !== this.sender) continue;
      out.push(readCaptured(this.smtpDir, n));
    }
    return out;
  }

  // Waits until pick(mails) returns a non-empty list (or a truthy value) and returns it.
  async waitForMails(pick, { timeout = 10_000 } = {}) {
    return waitUntil(
      () => {
        const v = pick(this.readMails());
        return Array.isArray(v) ? (v.length ? v : null) : v;
      },
      {
        timeout,
        describe: () =>
          'mails so far: ' +
          JSON.stringify(this.readMails().map((m) => ({ to: m.rcptTos, subject: m.header('Subject') }))),
      },
    );
  }

  async stop() {
    if (this.onExit) process.removeListener('exit', this.onExit);
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = null;
    if (!process.env.REDRESS_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// The browser.

export async function launchBrowser() {
  const { chromium } = requireFromWeb('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

const openPages = [];

// Wraps a test's body: when it fails, says where each person's page was and what it
// showed (and saves a screenshot of each into REDRESS_SCREENSHOTS, when set).
export function story(body) {
  return async (t) => {
    try {
      await body(t);
    } catch (e) {
      const lines = [];
      for (const [i, page] of openPages.entries()) {
        if (page.isClosed()) continue;
        const text = await page.locator('main').innerText({ timeout: 1000 }).catch(() => '(no main)');
        lines.push(`page ${i}: ${page.url()}\n    ${text.replace(/\s+/g, ' ').slice(0, 600)}`);
        for (const p of page.problems || []) lines.push(`    ${p}`);
        if (process.env.REDRESS_SCREENSHOTS) {
          fs.mkdirSync(process.env.REDRESS_SCREENSHOTS, { recursive: true });
          const file = path.join(process.env.REDRESS_SCREENSHOTS, `failed-${path.basename(process.argv[1] || 'test')}-${i}.png`);
          await page.screenshot({ path: file, fullPage: true, caret: 'initial' }).catch(() => {});
        }
      }
      if (lines.length) {
        const more = `\nWhat each page showed:\n${lines.join('\n')}`;
        e.message += more;
        if (typeof e.stack === 'string') e.stack += more;  // what the reporter prints
      }
      throw e;
    }
  };
}

// A fresh context per person: their own cookies, so two agents can be signed in at once.
// The browser's language is English unless told; a signed-in person's pages follow
// their profile's language.
export async function personPage(browser, redress, { locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ baseURL: redress.url, locale, viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  openPages.push(page);
  // Anything the page's scripts throw, or a CSP refusal, is a broken page.
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
  });
  return page;
}

// The login form's words in the languages of the browser.
const loginWords = {
  en: { email: 'E-mail', password: 'Password', button: 'Sign in' },
  fr: { email: 'E-mail', password: 'Mot de passe', button: 'Se connecter' },
};

// Signs in by typing into the login form, as a person would (in the page's language,
// which follows the browser's until the person's profile says otherwise).
export async function login(page, email, password = PASSWORD) {
  await page.goto('/login');
  const lang = await page.locator('html').getAttribute('lang');
  const words = loginWords[lang];
  assert.ok(words, `login page in an unexpected language: ${lang}`);
  await checkA11y(page, `login-${lang}`);
  await page.getByLabel(words.email).fill(email);
  await page.getByLabel(words.password).fill(password);
  await page.getByRole('button', { name: words.button, exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// REDRESS_AXE_IMPACTS=minor,moderate,serious,critical to see everything axe finds.
const failingImpacts = (process.env.REDRESS_AXE_IMPACTS || 'serious,critical').split(',');
// Clicks a form's button and waits until the page shows the answer: for an action whose
// result looks like the page before it (the next click must not land on the old page).
// htmx (hx-boost) swaps the page in place; without it the browser navigates.
export async function submit(page, button) {
  const settled = page
    .evaluate(
      () =>
        new Promise((resolve) => {
          if (!window.htmx) return resolve();
          document.addEventListener('htmx:afterSettle', () => resolve(), { once: true });
        }),
    )
    .catch(() => {});  // a real navigation destroys the context the promise lives in
  await button.click();
  await settled;
  await page.waitForLoadState();
}

const axeSource = () => fs.readFileSync(requireFromWeb.resolve('axe-core/axe.min.js'), 'utf8');
let axeText = null;

// Runs axe-core on the page as it is now; fails on any violation of impact serious or
// critical, listing each with the elements it found. Once per page name and test file.
const checkedPages = new Set();
export async function checkA11y(page, name) {
  if (checkedPages.has(name)) return;
  checkedPages.add(name);
  axeText ??= axeSource();
  // evaluate() is not subject to the pages' CSP (no inline script), a <script> tag would be.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeText);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  const bad = violations.filter((v) => failingImpacts.includes(v.impact));
  if (bad.length) {
    const list = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => '      ' + n).join('\n')}`);
    throw new Error(`accessibility violations on ${name} (${page.url()}):\n${list.join('\n')}`);
  }
  await screenshot(page, name);
}

// Full-page PNG of the main pages when REDRESS_SCREENSHOTS names a directory.
const mainPages = /^(queue|ticket|portal-request|reports|admin)/;
export async function screenshot(page, name) {
  const dir = process.env.REDRESS_SCREENSHOTS;
  if (!dir || !mainPages.test(name)) return;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.basename(process.argv[1] || 'test', '.mjs').replace(/\.test$/, '');
  // caret 'initial': hiding it would inject a <style> the pages' CSP refuses (a console error).
  await page.screenshot({ path: path.join(dir, `${file}-${name}.png`), fullPage: true, caret: 'initial' });
}

// What went wrong in the page itself: a script error, or something the CSP refused (an
// inline script or style the page should not have). A 4xx answer logged by the browser
// is not one: some pages answer 403 or 422 on purpose.
export function pageProblems(page) {
  return (page.problems || []).filter((p) => /^page error|Content Security Policy|Refused to/.test(p));
}
