// The public satisfaction page (好差评公示) at /satisfaction: a finished month's ratings at a chosen
// centre and the centres below it (the count per level, the satisfaction rate, the bad ratings and
// how they were followed up), and the month's ranking of their windows. The centre and the month are
// chosen on the page and kept in the address (?centre=&month=), so that a link shows the same figures.
// No sign-in, nothing from other sites; text is always set as text, never as HTML.

const API = '/v1/public/satisfaction';
const LEVELS = [
  ['very_satisfied', '非常满意', 'Very satisfied'],
  ['satisfied', '满意', 'Satisfied'],
  ['basically_satisfied', '基本满意', 'Basically satisfied'],
  ['dissatisfied', '不满意', 'Dissatisfied'],
  ['very_dissatisfied', '非常不满意', 'Very dissatisfied'],
];

/** What each refusal tells the public, in Chinese and English. */
const REFUSALS = {
  not_found: ['没有这个政务服务中心。', 'There is no such service centre.'],
  rate_limited: ['操作过于频繁，请一分钟后再试。', 'Too many requests: please try again in a minute.'],
  unavailable: ['系统暂时无法处理，请稍后再试。', 'The service is unavailable for a moment: please try again.'],
};

const $ = (id) => document.getElementById(id);

/** An element with its attributes and children. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Chinese, then English in a smaller, muted span. */
const both = (zh, en) => [zh, ' ', el('span', { lang: 'en' }, en)];

/** The status line: loading, ready or refused. */
function show(kind, zh, en, code) {
  const status = $('status');
  status.replaceChildren(...both(zh, en));
  status.className = `status ${kind}`;
  status.dataset.kind = kind;
  status.dataset.code = code ?? '';
}

/** The month (yyyy-mm) in China now, and the last one that is over: the latest that is published. */
const chinaMonth = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
function lastFinishedMonth() {
  const [year, month] = chinaMonth().split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

const percent = (rate) => (rate === null ? '—' : `${(rate * 100).toFixed(2)}%`);
const monthName = (month) => `${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月`;

/** The centres as options: each top centre, then one group per centre below it with those below that. */
function centreOptions(centres) {
  const codes = new Set(centres.map((c) => c.code));
  const children = new Map();
  for (const c of centres) {
    const parent = c.parentCode && codes.has(c.parentCode) ? c.parentCode : '';
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(c);
  }
  const below = (code) => (children.get(code) ?? []).flatMap((c) => [c, ...below(c.code)]);
  const option = (c) => el('option', { value: c.code }, c.name);
  return (children.get('') ?? []).flatMap((top) => [
    option(top),
    ...(children.get(top.code) ?? []).map((group) => el('optgroup', { label: group.name }, ...[group, ...below(group.code)].map(option))),
  ]);
}

/** JSON from the API, with the answer's status; a body that is not JSON is undefined. */
async function call(url) {
  const res = await fetch(url, { headers: { accept: 'application/json', 'accept-language': 'zh-CN' } });
  return { res, body: await res.json().catch(() => undefined) };
}

/** The centres to choose from (the organisation's public list); none: only the centre shown. */
async function loadCentres() {
  const { res, body } = await call('/v1/centres?flat=1');
  if (res.ok) $('centre').replaceChildren(...centreOptions(body.centres));
}

/** The answer last asked for: an older one arriving late is not shown. */
let asked = 0;

/** Fewer ratings than this in the month: a window is listed, not ranked (?minRatings= in the address; the API's default else). */
const minRatings = new URLSearchParams(location.search).get('minRatings') ?? '';

async function loadFigures(centre, month) {
  const mine = ++asked;
  show('loading', '加载中…', 'Loading…');
  const query = new URLSearchParams();
  if (centre) query.set('centre', centre);
  if (month) query.set('month', month);
  if (minRatings) query.set('minRatings', minRatings);
  const { res, body } = await call(`${API}${query.size ? `?${query}` : ''}`);
  if (mine !== asked) return;
  if (!res.ok) {
    for (const id of ['summary', 'centres-section', 'ranking-section']) $(id).hidden = true;
    const code = body?.error?.code;
    const detail = body?.error?.details?.[0];
    const [zh, en] = REFUSALS[code] ?? (res.status === 400 && detail ? [detail.messageZh ?? '请选择已结束的月份。', detail.message] : [`无法加载（${res.status}）。`, body?.error?.message ?? `Something went wrong (${res.status}).`]);
    show('refused', zh, en, code);
    return;
  }
  render(body);
  const address = new URLSearchParams({ centre: body.centre.code, month: body.month, ...(minRatings ? { minRatings: String(body.minRatings) } : {}) });
  history.replaceState(null, '', `${location.pathname}?${address}`);
  show('ready', `${body.centre.name} ${monthName(body.month)}的好差评结果。`, `The ratings of ${body.month}.`);
}

function render(body) {
  const select = $('centre');
  if (![...select.options].some((o) => o.value === body.centre.code)) select.append(el('option', { value: body.centre.code }, body.centre.name));
  select.value = body.centre.code;
  $('month').value = body.month;

  const { overall } = body;
  $('summary-title').replaceChildren(`${body.centre.name} · ${monthName(body.month)}`);
  $('total').textContent = String(overall.total);
  $('rate').textContent = percent(overall.satisfactionRate);
  $('bad').textContent = String(overall.bad);
  $('closed').replaceChildren(`${overall.followUp.closed}（已整改 ${overall.followUp.rectified}，已说明 ${overall.followUp.explained}）`);
  $('open').textContent = String(overall.followUp.open);
  $('dispute-upheld').textContent = String(overall.followUp.disputeUpheld);
  $('level-rows').replaceChildren(
    ...LEVELS.map(([code, zh, en]) => el('tr', { 'data-level': code }, el('th', { scope: 'row' }, ...both(zh, en)), el('td', { class: 'number' }, String(overall.levels[code])))),
  );
  $('as-of').replaceChildren(
    ...both(
      `差评办理情况截至 ${new Date(body.asOf).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}。`,
      'Follow-ups as they stood when these figures were read.',
    ),
  );
  $('summary').hidden = false;

  // Each centre rated this month; those below the chosen one that were not are only counted.
  const rated = body.centres.filter((c) => c.total > 0 || c.followUp.disputeUpheld > 0);
  $('centre-rows').replaceChildren(
    ...rated.map((c) =>
      el(
        'tr',
        { 'data-testid': 'centre-row', 'data-centre': c.code },
        el('th', { scope: 'row' }, c.name),
        el('td', { class: 'number' }, String(c.total)),
        el('td', { class: 'number' }, percent(c.satisfactionRate)),
        el('td', { class: 'number' }, String(c.bad)),
        el('td', { class: 'number' }, String(c.followUp.closed)),
      ),
    ),
  );
  const unrated = body.centres.length - rated.length;
  $('centres-note').replaceChildren(...both(`其余 ${unrated} 个中心本月没有评价。`, `${unrated} other centres were not rated this month.`));
  $('centres-note').hidden = unrated === 0 || rated.length === 0;
  $('centres-section').hidden = body.centres.length < 2 || rated.length === 0;

  $('ranking-rows').replaceChildren(
    ...body.windows.map((w) =>
      el(
        'tr',
        { 'data-testid': 'ranking-row', 'data-window': w.windowCode, 'data-rank': w.rank === null ? '' : String(w.rank) },
        el('td', { class: 'number' }, ...(w.rank === null ? ['—', el('span', { class: 'visually-hidden' }, '未排名')] : [String(w.rank)])),
        el('th', { scope: 'row' }, w.name ?? w.windowCode, el('span', { class: 'centre-name' }, w.centreName ?? w.centreCode)),
        el('td', { class: 'number' }, String(w.total)),
        el('td', { class: 'number' }, percent(w.satisfactionRate)),
        el('td', { class: 'number' }, String(w.bad)),
      ),
    ),
  );
  $('ranking-empty').hidden = body.windows.length > 0;
  $('ranking-note').replaceChildren(
    ...both(
      `按满意率排名，满意率相同的评价多者在前。${body.minRatings > 1 ? `评价少于 ${body.minRatings} 条的窗口不参与排名，列于最后。` : ''}`,
      `Best satisfaction rate first; a tie goes to more ratings.${body.minRatings > 1 ? ` Windows with fewer than ${body.minRatings} ratings are listed last, unranked.` : ''}`,
    ),
  );
  $('ranking-section').hidden = false;
}

function chosen() {
  const month = $('month').value;
  if (!month) return;
  loadFigures($('centre').value, month).catch(failed);
}

const failed = () => show('refused', '网络异常，请稍后再试。', 'The network failed: please try again.');

async function start() {
  const params = new URLSearchParams(location.search);
  $('month').max = lastFinishedMonth();
  await loadCentres().catch(() => {});
  await loadFigures(params.get('centre') ?? '', params.get('month') ?? '');
}

$('centre').addEventListener('change', chosen);
$('month').addEventListener('change', chosen);
$('choice').addEventListener('submit', (event) => event.preventDefault());
start().catch(failed);
