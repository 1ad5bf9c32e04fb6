// Parts that the window's and the deciding officer's screens share: the item as the application was
// submitted under it, the summary, the materials with their attachments, the documents, the reviews.

import { getJSON, request } from './api.js';
import { actionForm } from './forms.js';
import { t } from './i18n.js';
import { departmentName, dueDay, el, facts, formatInstant, localName, officerName, remainingNode } from './helpers.js';
import { state } from './state.js';

/** The item's definition at the application's version: its checklist and whether it is major. */
export async function itemOf(code, version) {
  const key = `${code}@${version ?? 'current'}`;
  if (!state.items.has(key)) {
    const url = version ? `/v1/items/${encodeURIComponent(code)}/versions/${version}` : `/v1/items/${encodeURIComponent(code)}`;
    state.items.set(key, (await getJSON(url)).definition);
  }
  return state.items.get(key);
}

export const requiredOf = (item) => (item?.materials ?? []).filter((m) => m.required !== false).map((m) => m.name);

export function stageBadge(stage) {
  return el('span', { class: `stage stage-${stage}`, testid: 'stage', dataset: { stage } }, t(`stage_${stage}`));
}

/** The application at a glance: number, item, applicant, stage, the responsible officer and the limits. */
export function summary(app, item) {
  const d = app.deadlines ?? {};
  const stopped = !!d.stoppedSince;
  // Time is left only while the limits run: once decided or closed, a countdown would mislead.
  const left = (due) => app.stage === 'in_review' && [' ', remainingNode(due, stopped)];
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'summary-title' },
    el('h3', { id: 'summary-title' }, t('summary')),
    facts([
      [t('applicationNo'), el('span', { class: 'mono', testid: 'application-no' }, app.applicationNo)],
      [t('item'), `${localName(item) ?? app.itemCode}${item?.major ? ` · ${t('majorItem')}` : ''}`],
      [t('stage'), stageBadge(app.stage)],
      [t('applicant'), `${app.applicant.name}（${app.applicant.idNumber}）`],
      [t('leadDepartment'), departmentName(app.leadDepartment)],
      [t('responsible'), officerName(app.responsibleOfficer)],
      [t('submittedAt'), formatInstant(app.submittedAt)],
      app.acceptedAt && [t('acceptedAt'), formatInstant(app.acceptedAt)],
      d.promisedDueAt && [t('promisedDue'), el('span', {}, dueDay(d.promisedDueAt, { testid: 'promised-due' }), left(d.promisedDueAt))],
      d.statutoryDueAt && [t('statutoryDue'), el('span', {}, dueDay(d.statutoryDueAt, { testid: 'statutory-due' }), left(d.statutoryDueAt))],
      stopped && [t('stoppedSince'), formatInstant(d.stoppedSince)],
      app.handover && [t('handover'), `${app.handover.recipient ?? '—'} · ${app.handover.licenceNo ?? '—'}`],
    ]),
  );
}

/** The application's attachments by material (GET …/attachments), in upload order. */
export async function attachmentsOf(no) {
  const { attachments } = await getJSON(`/v1/applications/${encodeURIComponent(no)}/attachments`);
  const byMaterial = new Map();
  for (const a of attachments) byMaterial.set(a.material, [...(byMaterial.get(a.material) ?? []), a]);
  return byMaterial;
}

/** The application's documents (GET …/documents), in the order issued. */
export async function documentsOf(no) {
  return (await getJSON(`/v1/applications/${encodeURIComponent(no)}/documents`)).documents;
}

const size = (bytes) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** The files handed in for one material, each a download (the API sends them as attachments), with who uploaded it and when. */
export function attachmentList(files) {
  if (!files?.length) return el('span', { class: 'muted', testid: 'no-attachments' }, t('noAttachments'));
  return el(
    'ul',
    { class: 'files', testid: 'attachment-list' },
    files.map((f) =>
      el(
        'li',
        { dataset: { contentType: f.contentType } },
        el('a', { href: f.url, download: f.fileName, testid: 'attachment' }, f.fileName),
        ` · ${size(f.size)} · ${formatInstant(f.uploadedAt)}${f.uploadedBy ? ` · ${t('uploadedBy')} ${f.uploadedBy.name ?? f.uploadedBy.id}` : ''}`,
      ),
    ),
  );
}

/** Upload one file for one material (multipart: material + file). */
export function uploadForm(no, material, done) {
  // The API judges the type from the bytes (PDF, JPEG, PNG, OFD); `accept` only narrows the browser's picker.
  const input = el('input', { type: 'file', name: 'file', required: true, accept: '.pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd', 'aria-label': t('uploadFor', { material }) });
  return actionForm({
    testid: 'upload',
    legend: t('upload'),
    fields: [input],
    submitLabel: t('uploadButton'),
    onSubmit: async () => {
      const body = new FormData();
      body.append('material', material);
      body.append('file', input.files[0]);
      return request('POST', `/v1/applications/${encodeURIComponent(no)}/attachments`, body);
    },
    done,
  });
}

/**
 * The item's materials: required ones with whether they were handed in, and their attachments. With
 * `checkable`, each is a checkbox (named after the material) that the officer ticks as verified.
 */
export function materialsTable({ app, item, attachments, checkable = false, upload = false, done }) {
  const all = (item?.materials ?? []).map((m) => ({ name: m.name, required: m.required !== false }));
  for (const name of app.materials) if (!all.some((m) => m.name === name)) all.push({ name, required: false });
  const rows = all.map((m, i) => {
    const handedIn = app.materials.includes(m.name);
    const id = `material-${i}`;
    const label = checkable
      ? el('label', { class: 'check' }, el('input', { type: 'checkbox', id, name: 'material', value: m.name, checked: handedIn, testid: `material-${i}` }), ` ${m.name}`)
      : el('span', {}, m.name);
    return el(
      'tr',
      { dataset: { material: m.name, handedIn: String(handedIn) } },
      el('td', {}, label),
      el('td', {}, m.required ? t('required') : t('optional')),
      el('td', {}, el('span', { class: handedIn ? 'ok' : 'missing' }, handedIn ? t('handedIn') : t('notHandedIn'))),
      el('td', {}, attachmentList(attachments.get(m.name)), upload ? uploadForm(app.applicationNo, m.name, done) : null),
    );
  });
  return el(
    'table',
    { class: 'table materials', testid: 'materials' },
    el('caption', {}, checkable ? t('checklistCaption') : t('materialsCaption')),
    el('thead', {}, el('tr', {}, [t('material'), t('requiredCol'), t('handedInCol'), t('attachments')].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows),
  );
}

/**
 * The application's PDFs (一次性告知书, 受理通知书, …), each opening in a new tab to print: its title (the
 * document's own in Chinese), its number, an approval's licence number, when it was issued.
 */
export function documentsSection(docs) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'documents-title', testid: 'documents' },
    el('h3', { id: 'documents-title' }, t('documents')),
    docs.length === 0
      ? el('p', { class: 'muted' }, t('noDocuments'))
      : el(
          'ul',
          { class: 'files' },
          docs.map((d) =>
            el(
              'li',
              { testid: `document-${d.kind}`, dataset: { kind: d.kind } },
              el('a', { href: d.url, target: '_blank', rel: 'noopener', type: 'application/pdf', testid: 'document-link' }, state.lang === 'en' ? t(`doc_${d.kind}`) : d.title),
              ' ',
              el('span', { class: 'mono', testid: 'document-number' }, d.number),
              d.licenceNo ? el('span', {}, ` · ${t('documentLicence')} `, el('span', { class: 'mono', testid: 'document-licence' }, d.licenceNo)) : null,
              ` · ${formatInstant(d.issuedAt)}`,
            ),
          ),
        ),
  );
}

/** Every department's review: its step, status, limit and who decided, with what reason or conditions. */
export function reviewsTable(app, highlight) {
  if (!app.reviews?.length) return el('p', { class: 'muted' }, t('noReviews'));
  return el(
    'table',
    { class: 'table', testid: 'reviews' },
    el('caption', {}, t('reviewsCaption')),
    el('thead', {}, el('tr', {}, [t('step'), t('department'), t('status'), t('promisedDue'), t('remainingCol'), t('decidedBy'), t('reason')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      app.reviews.map((r) => {
        const stopped = r.stops?.some((s) => !s.endedAt);
        return el(
          'tr',
          { class: r.department === highlight ? 'highlight' : '', dataset: { department: r.department, status: r.status } },
          el('td', {}, String(r.step + 1)),
          el('th', { scope: 'row' }, departmentName(r.department)),
          el('td', {}, el('span', { class: `status status-${r.status}` }, t(`review_${r.status}`)), r.late ? ` · ${t('late')}` : ''),
          el('td', {}, dueDay(r.deadlines?.promisedDueAt)),
          el('td', {}, r.status === 'open' ? remainingNode(r.deadlines?.promisedDueAt, stopped) : '—'),
          el('td', {}, r.decidedBy ? officerName(r.decidedBy) : '—'),
          el('td', {}, [r.reason, r.conditions].filter(Boolean).join(' · ') || '—'),
        );
      }),
    ),
  );
}

export function screenHeader(title, ...extra) {
  return el('div', { class: 'screen-head' }, el('h2', {}, title), ...extra);
}
