// Renders placement's FHIR Questionnaire in NLM's LHC-Forms (headless
// Chromium), fills it through the form's own controls with the answers of
// one native intake, in interview order (so skip logic opens questions as
// answers arrive), and exports the QuestionnaireResponse with LHC-Forms'
// own LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', ...).
//
//   node fill.mjs QUESTIONNAIRE.json INTAKE.(yaml|json) OUT_DIR
//
// Writes OUT_DIR/NAME.response.json (the exported QuestionnaireResponse)
// and OUT_DIR/NAME.hidden.json (the question linkIds the form hides after
// the fill, in form order), NAME being the intake file's name without its
// extension, and prints a JSON report on stdout:
//   {intake, response, hidden, answered, missing, mismatched,
//    hidden_but_answered, not_in_intake, page_errors, console,
//    empty_groups_shown, ms: {render, fill, export}, ok}
// `missing`/`mismatched`: native answers absent from the response or with
// another value; `hidden_but_answered`: questions the form hides although
// the native intake answers them; `not_in_intake`: answers in the response
// that the native intake does not give; `page_errors`: uncaught errors on
// the page. Exit 0 when all five are empty, 1 when not, 2 when the fill
// could not run.
//
// Chromium: PLACEMENT_CHROMIUM, else /usr/bin/chromium. FILL_SCREENSHOT=PNG
// saves a full-page screenshot of the filled form. No network: the
// page and LHC-Forms come from node_modules through a static server on
// 127.0.0.1 that this script starts and stops.

import { chromium } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LFORMS_DIST = path.join(HERE, 'node_modules', 'lforms', 'dist');
const ORDINAL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// How long a question may take to appear after the answer that opens it.
const APPEAR_MS = 3000;

function die(message) {
  process.stderr.write(`fill.mjs: ${message}\n`);
  process.exit(2);
}

const [questionnairePath, intakePath, outDir] = process.argv.slice(2);
if (!questionnairePath || !intakePath || !outDir) {
  die('usage: node fill.mjs QUESTIONNAIRE.json INTAKE.(yaml|json) OUT_DIR');
}
const questionnaire = JSON.parse(fs.readFileSync(questionnairePath, 'utf8'));
// YAML 1.2 (the `yaml` package's default core schema) reads JSON as well.
const intake = parseYaml(fs.readFileSync(intakePath, 'utf8'));
if (!intake || typeof intake.answers !== 'object') die(`${intakePath}: no answers`);
const answers = intake.answers;
const name = path.basename(intakePath).replace(/\.(ya?ml|json)$/, '');

// The questions (not groups, not display items) in interview order.
const questions = [];
(function walk(items) {
  for (const item of items ?? []) {
    if (item.type !== 'group' && item.type !== 'display') questions.push(item);
    walk(item.item);
  }
})(questionnaire.item);
const byLinkId = new Map(questions.map((q) => [q.linkId, q]));
for (const id of Object.keys(answers)) {
  if (!byLinkId.has(id)) die(`${intakePath}: answer ${id} has no item in the questionnaire`);
}

// The answerOption (index and coding) a native choice answer maps to, as
// docs/fhir.md says: a scale entry by its ordinalValue, an option under the
// question's own system by its id.
function optionFor(item, value) {
  const index = item.answerOption.findIndex((o) => {
    const ordinal = (o.extension ?? []).find((e) => e.url === ORDINAL);
    if (ordinal) return typeof value === 'number' && ordinal.valueDecimal === value;
    return o.valueCoding.code === String(value);
  });
  if (index < 0) die(`${intakePath}: ${item.linkId} = ${JSON.stringify(value)} is none of its options`);
  return { index, coding: item.answerOption[index].valueCoding };
}

// The FHIR answers a native answer should export as.
function expected(item, value) {
  switch (item.type) {
    case 'choice':
      return (Array.isArray(value) ? value : [value]).map((v) => ({ valueCoding: optionFor(item, v).coding }));
    case 'boolean':
      return [{ valueBoolean: value }];
    case 'integer':
      return [{ valueInteger: value }];
    case 'decimal':
      return [{ valueDecimal: value }];
    case 'string':
    case 'text':
      return [{ valueString: value }];
    default:
      die(`${item.linkId}: item type ${item.type} is not handled`);
  }
}

function serve() {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    let file = null;
    if (url === '/') file = path.join(HERE, 'page.html');
    else if (url.startsWith('/lforms/') && !url.includes('..')) file = path.join(LFORMS_DIST, url);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(url === '/favicon.ico' ? 204 : 404);
      res.end();
      return;
    }
    const type = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.png': 'image/png' }[path.extname(file)];
    res.writeHead(200, { 'content-type': type ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Selectors: LHC-Forms gives an item's element the id `item-LINKID/1/1...`
// (the repetition path) and its input the id `LINKID/1/1...`.
const itemSel = (id) => `[id^="item-${id}/"]`;
const inputSel = (id) => `[id^="${id}/"]`;

async function answerThroughTheForm(page, item, value) {
  const id = item.linkId;
  const box = page.locator(itemSel(id)).first();
  switch (item.type) {
    case 'boolean':
      await box.locator(`label[id$="|${value}"]`).click();
      break;
    case 'integer':
    case 'decimal':
    case 'string':
    case 'text': {
      const input = box.locator(`input${inputSel(id)}, textarea${inputSel(id)}`).first();
      await input.fill(String(value));
      await input.press('Tab');
      break;
    }
    case 'choice': {
      // The autocompleter's list, opened by clicking the field; a person
      // picks the line that shows the option's label.
      const input = box.locator(`input${inputSel(id)}`).first();
      for (const v of Array.isArray(value) ? value : [value]) {
        const { index, coding } = optionFor(item, v);
        await input.click();
        const line = page.locator(`#lhc-tools-searchResults li[autocomprawlistindex="${index}"]`);
        await line.waitFor({ state: 'visible', timeout: APPEAR_MS });
        const shown = (await line.innerText()).replace(/^\s*\d+:\s*/, '').trim();
        if (!shown.startsWith(coding.display)) {
          throw new Error(`${id}: list line ${index} shows "${shown}", not "${coding.display}"`);
        }
        await line.click();
      }
      await input.press('Tab');
      break;
    }
    default:
      throw new Error(`${id}: item type ${item.type} is not handled`);
  }
}

function responseAnswers(response) {
  const out = new Map();
  (function walk(items) {
    for (const it of items ?? []) {
      if (it.answer) out.set(it.linkId, it.answer.map(({ item, ...a }) => a));
      walk(it.item);
      for (const a of it.answer ?? []) walk(a.item);
    }
  })(response.item);
  return out;
}

// LHC-Forms copies an answerOption's ordinalValue extension into the
// exported valueCoding. It is dropped before the comparison only when it is
// exactly the extension of the option with that code, so a wrong score
// still shows as a mismatch.
function withoutOrdinals(item, exported) {
  return exported.map((a) => {
    if (!a.valueCoding?.extension) return a;
    const { extension, ...coding } = a.valueCoding;
    const option = (item.answerOption ?? []).find((o) =>
      o.valueCoding.system === coding.system && o.valueCoding.code === coding.code);
    const ordinal = (option?.extension ?? []).filter((e) => e.url === ORDINAL);
    return same(extension, ordinal) ? { ...a, valueCoding: coding } : a;
  });
}

// Equal as JSON values, whatever the order of object keys.
function same(a, b) {
  const sort = (x) => (Array.isArray(x) ? x.map(sort) : x && typeof x === 'object'
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x);
  return JSON.stringify(sort(a)) === JSON.stringify(sort(b));
}

const server = await serve();
const browser = await chromium.launch({
  executablePath: process.env.PLACEMENT_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
});
let report;
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // What LHC-Forms says on the console (its warnings about the form come
  // as plain log lines), less its timings; reported, not judged.
  const consoleLines = [];
  page.on('console', (m) => {
    const text = m.text();
    if (!/^Ran expressions in \d+ ms$/.test(text)) consoleLines.push(`${m.type()}: ${text}`);
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.LForms?.Util?.addFormToPage && window.LForms?.Util?.getFormFHIRData);

  let t = Date.now();
  await page.evaluate((q) => LForms.Util.addFormToPage(q, 'formContainer'), questionnaire);
  await page.locator(itemSel(questions[0].linkId)).first().waitFor({ timeout: 10000 });
  const ms = { render: Date.now() - t };

  t = Date.now();
  const hiddenButAnswered = [];
  const declined = new Set(intake.declined ?? []);
  for (const item of questions) {
    if (!(item.linkId in answers) || declined.has(item.linkId)) continue;
    const box = page.locator(itemSel(item.linkId)).first();
    try {
      await box.waitFor({ state: 'visible', timeout: APPEAR_MS });
    } catch {
      hiddenButAnswered.push(item.linkId);
      continue;
    }
    await answerThroughTheForm(page, item, answers[item.linkId]);
  }
  ms.fill = Date.now() - t;

  if (process.env.FILL_SCREENSHOT) {
    await page.screenshot({ path: process.env.FILL_SCREENSHOT, fullPage: true });
  }

  t = Date.now();
  const response = await page.evaluate(() =>
    LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('formContainer')));
  ms.export = Date.now() - t;
  // A question the form hides is not in the DOM (or not visible).
  const shown = await page.evaluate((ids) => ids.filter((id) => {
    const el = document.querySelector(`[id^="item-${id}/"]`);
    return el && el.offsetParent !== null;
  }), questions.map((q) => q.linkId));
  const hidden = questions.map((q) => q.linkId).filter((id) => !shown.includes(id));
  // Groups the form still shows (their heading) with none of their
  // questions shown: reported, not judged.
  const groups = [];
  (function walk(items) {
    for (const item of items ?? []) {
      if (item.type === 'group') {
        const inside = [];
        (function collect(xs) {
          for (const x of xs ?? []) {
            if (x.type !== 'group' && x.type !== 'display') inside.push(x.linkId);
            collect(x.item);
          }
        })(item.item);
        groups.push([item.linkId, inside]);
      }
      walk(item.item);
    }
  })(questionnaire.item);
  const emptyGroupsShown = (await page.evaluate((ids) => ids.filter((id) => {
    const el = document.querySelector(`[id^="item-${id}/"]`);
    return el && el.offsetParent !== null;
  }), groups.map(([id]) => id))).filter((id) =>
    groups.find(([g]) => g === id)[1].every((q) => hidden.includes(q)));
  // An answer given may also be hidden again by a later one.
  for (const id of hidden) {
    if (id in answers && !declined.has(id) && !hiddenButAnswered.includes(id)) hiddenButAnswered.push(id);
  }

  const got = responseAnswers(response);
  const answered = [];
  const missing = [];
  const mismatched = [];
  for (const item of questions) {
    const id = item.linkId;
    if (!(id in answers) || declined.has(id)) continue;
    const want = expected(item, answers[id]);
    if (!got.has(id)) missing.push(id);
    else if (!same(withoutOrdinals(item, got.get(id)), want)) {
      mismatched.push({ linkId: id, expected: want, exported: got.get(id) });
    } else answered.push(id);
  }
  const extra = [...got.keys()].filter((id) => !(id in answers));

  fs.mkdirSync(outDir, { recursive: true });
  const responseFile = path.join(outDir, `${name}.response.json`);
  fs.writeFileSync(responseFile, `${JSON.stringify(response, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${name}.hidden.json`), `${JSON.stringify(hidden, null, 2)}\n`);
  report = {
    intake: intakePath,
    response: responseFile,
    hidden,
    answered,
    missing,
    mismatched,
    hidden_but_answered: hiddenButAnswered,
    not_in_intake: extra,
    page_errors: pageErrors,
    console: consoleLines,
    empty_groups_shown: emptyGroupsShown,
    ms,
    ok: missing.length === 0 && mismatched.length === 0 && hiddenButAnswered.length === 0
      && extra.length === 0 && pageErrors.length === 0,
  };
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(report.ok ? 0 : 1);
