// What the complaint form (complain.js) and the tracking page (track.js) share: building elements,
// bilingual text, the status line and what each refusal tells the public. Text is always set as text,
// never as HTML.

export const $ = (id) => document.getElementById(id);

/** An element with its attributes and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Chinese, then English in a smaller, muted span. */
export const both = (zh, en) => [zh, ' ', el('span', { lang: 'en' }, en)];

/** What each refusal tells the public, in Chinese and English. */
const REFUSALS = {
  unknown_code: ['无法识别此查询码，请核对后再试。', 'This tracking code is not recognised: check it and try again.'],
  rate_limited: ['操作过于频繁，请一分钟后再试。', 'Too many attempts: please try again in a minute.'],
  unavailable: ['系统暂时无法处理，请稍后再试。', 'The service is unavailable for a moment: please try again.'],
};

export function refusal(body, status) {
  const code = body?.error?.code;
  const known = REFUSALS[code];
  if (known) return { code, zh: known[0], en: known[1] };
  return { code, zh: `无法完成（${status}）。`, en: body?.error?.message ?? `Something went wrong (${status}).` };
}

/** The status line: loading, ready, done or refused. */
export function show(kind, zh, en, code) {
  const status = $('status');
  status.replaceChildren(...both(zh, en));
  status.className = `status ${kind}`;
  status.dataset.kind = kind;
  if (code !== undefined) status.dataset.code = code ?? '';
  status.hidden = false;
}

/** JSON from the API, with the answer's status; a body that is not JSON is undefined. */
export async function call(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
  return { res, body: await res.json().catch(() => undefined) };
}
