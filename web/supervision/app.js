// OneWindow supervision monitoring page (电子监察): a plain browser module, no build step.
// Reads the JSON API of the same origin; ECharts is loaded before this module as the global `echarts`.
// A supervisor signs in with a staff token (from the identity provider, or `npm run token` locally),
// pasted into the sign-in form or passed once as /supervision#token=…; it is kept for the tab only.

const echarts = globalThis.echarts;

const COLOURS = { green: '#2e7d32', yellow: '#f9a825', red: '#c62828' };
const REGION = '450000';
const TZ = 'Asia/Shanghai';
const LANG_KEY = 'onewindow.supervision.lang';
const TOKEN_KEY = 'onewindow.supervision.token';

// ---------------------------------------------------------------------------------------------------
// Labels, in Chinese (default) and English.

const DICT = {
  zh: {
    title: '广西政务服务电子监察',
    signInTitle: '登录',
    signInHint: '粘贴监察员或管理员的令牌（本地：npm run token -- 450000-supervisor）',
    signIn: '登录',
    signOut: '退出',
    signInFailed: '令牌无效或已过期：{message}',
    live: '实时',
    reconnecting: '重连中',
    switchTo: 'English',
    mapTitle: '电子地图',
    mapHint: '点击圆点选择中心，滚轮缩放，拖动平移',
    mapReset: '全图',
    legendGreen: '正常',
    legendYellow: '黄牌预警',
    legendRed: '红牌超期',
    dayTitle: '电子表格 · 当日业务',
    date: '日期',
    centre: '中心',
    filterPlaceholder: '筛选事项或部门…',
    noRows: '当日无业务',
    noMatch: '没有符合筛选条件的事项',
    applicationsHint: '点击表格行查看该事项的办件',
    applicationsOf: '{item} · {centre} 的办件',
    noApplications: '该中心暂无此事项的办件',
    col_item: '事项',
    col_department: '部门',
    col_consultation: '咨询',
    col_application: '申请',
    col_acceptance: '受理',
    col_approval: '审批',
    col_completion: '办结',
    col_pickup: '取件',
    col_yellow: '黄牌',
    col_red: '红牌',
    col_applicationNo: '申请编号',
    col_stage: '环节',
    col_supervision: '监察',
    col_centre: '中心',
    col_submittedAt: '提交时间',
    col_remaining: '承诺时限剩余',
    alertsTitle: '预警信息',
    casesTitle: '责任追究案件（待处理）',
    efficiencyTitle: '行政效能统计',
    eff_key: '分组',
    group_centre: '按中心',
    group_department: '按部门',
    group_item: '按事项',
    group_month: '按月份',
    eff_decided: '办结',
    eff_statutory: '平均法定时限',
    eff_working: '平均实际用时',
    eff_speedUp: '提速',
    eff_onTime: '按时率',
    eff_yellow: '黄牌',
    eff_red: '红牌',
    effSeriesStatutory: '平均法定时限（工作日）',
    effSeriesWorking: '平均实际用时（工作日）',
    days: '天',
    none: '暂无',
    detailTitle: '办件详情',
    close: '关闭',
    f_item: '事项',
    f_version: '版本',
    f_centre: '受理中心',
    f_stage: '环节',
    f_supervision: '监察状态',
    f_applicant: '申请人',
    f_idNumber: '证件号码',
    f_responsible: '首问责任人',
    f_warnAt: '预警时间',
    f_promisedDueAt: '承诺办结时限',
    f_statutoryDueAt: '法定办结时限',
    f_countdown: '承诺时限倒计时',
    f_stopped: '计时暂停',
    f_stoppedDays: '已暂停工作日',
    f_holdingUp: '当前卡点',
    provisional: '（暂定）',
    overdue: '已超期',
    clockStopped: '计时暂停中',
    clockNotRunning: '未计时',
    reviewsTitle: '部门审查（并联审批）',
    r_stage: '阶段',
    r_department: '部门',
    r_centre: '中心',
    r_status: '状态',
    r_decidedBy: '决定人',
    r_reason: '理由',
    r_due: '承诺时限',
    r_stops: '停表',
    late: '逾期',
    alertsOfApp: '预警与问责',
    caseOf: '问责案件',
    timelineTitle: '流程时间线',
    temporalUi: '在 Temporal UI 中查看工作流',
    loading: '加载中…',
    loadFailed: '加载失败：{message}',
    tipOpen: '在办',
    tipYellow: '黄牌',
    tipRed: '红牌',
    stage_submitted: '已提交',
    stage_supplement_requested: '待补正',
    stage_in_review: '审查中',
    stage_completed: '已办结',
    stage_picked_up: '已取件',
    stage_rejected: '不予批准',
    stage_not_accepted: '不予受理',
    sup_green: '正常',
    sup_yellow: '黄牌',
    sup_red: '红牌',
    status_open: '审查中',
    status_approved: '已批准',
    status_rejected: '不予批准',
    status_withdrawn: '已撤回',
    level_yellow: '黄牌预警',
    level_red: '红牌超期',
    level_statutory_red: '超法定时限',
    case_open: '待说明',
    case_explanation_received: '已收到说明',
    case_closed: '已结案',
    level_region: '自治区',
    level_city: '市',
    level_county: '县（区）',
  },
  en: {
    title: 'Guangxi government service electronic supervision',
    live: 'live',
    reconnecting: 'reconnecting',
    switchTo: '中文',
    mapTitle: 'Electronic map',
    mapHint: 'Click a dot to select a centre; scroll to zoom, drag to pan',
    mapReset: 'Whole region',
    legendGreen: 'On time',
    legendYellow: 'Yellow: due soon',
    legendRed: 'Red: overdue',
    dayTitle: "Electronic table · the day's business",
    date: 'Date',
    centre: 'Centre',
    filterPlaceholder: 'Filter items or departments…',
    noRows: 'No business on this day',
    noMatch: 'No item matches the filter',
    applicationsHint: "Click a row to list the item's applications",
    applicationsOf: 'Applications for {item} at {centre}',
    noApplications: 'No applications for this item at this centre',
    col_item: 'Item',
    col_department: 'Department',
    col_consultation: 'Consulted',
    col_application: 'Applied',
    col_acceptance: 'Accepted',
    col_approval: 'Approved',
    col_completion: 'Completed',
    col_pickup: 'Picked up',
    col_yellow: 'Yellow',
    col_red: 'Red',
    col_applicationNo: 'Application',
    col_stage: 'Stage',
    col_supervision: 'State',
    col_centre: 'Centre',
    col_submittedAt: 'Submitted',
    col_remaining: 'Time left',
    alertsTitle: 'Alerts',
    casesTitle: 'Open accountability cases',
    efficiencyTitle: 'Efficiency',
    eff_key: 'Group',
    group_centre: 'By centre',
    group_department: 'By department',
    group_item: 'By item',
    group_month: 'By month',
    eff_decided: 'Decided',
    eff_statutory: 'Avg statutory',
    eff_working: 'Avg actual',
    eff_speedUp: 'Speed-up',
    eff_onTime: 'On time',
    eff_yellow: 'Yellow',
    eff_red: 'Red',
    effSeriesStatutory: 'Average statutory limit (working days)',
    effSeriesWorking: 'Average actual time (working days)',
    days: 'd',
    none: 'None',
    detailTitle: 'Application',
    close: 'Close',
    f_item: 'Item',
    f_version: 'version',
    f_centre: 'Centre',
    f_stage: 'Stage',
    f_supervision: 'Supervision',
    f_applicant: 'Applicant',
    f_idNumber: 'ID number',
    f_responsible: 'Responsible officer',
    f_warnAt: 'Warning at',
    f_promisedDueAt: 'Promised limit',
    f_statutoryDueAt: 'Statutory limit',
    f_countdown: 'Time left to the promised limit',
    f_stopped: 'Clock stopped since',
    f_stoppedDays: 'Working days stopped',
    f_holdingUp: 'Holding it up',
    provisional: ' (provisional)',
    overdue: 'overdue',
    clockStopped: 'clock stopped',
    clockNotRunning: 'not running',
    reviewsTitle: 'Department reviews (in parallel)',
    r_stage: 'Stage',
    r_department: 'Department',
    r_centre: 'Centre',
    r_status: 'Status',
    r_decidedBy: 'Decided by',
    r_reason: 'Reason',
    r_due: 'Promised limit',
    r_stops: 'Stops',
    late: 'late',
    alertsOfApp: 'Alerts and accountability',
    caseOf: 'Accountability case',
    timelineTitle: 'Timeline',
    temporalUi: 'Open the workflow in the Temporal UI',
    loading: 'Loading…',
    loadFailed: 'Could not load: {message}',
    signInTitle: 'Sign in',
    signInHint: 'Paste a supervisor’s or administrator’s token (locally: npm run token -- 450000-supervisor)',
    signIn: 'Sign in',
    signOut: 'Sign out',
    signInFailed: 'The token is not valid or has expired: {message}',
    tipOpen: 'open',
    tipYellow: 'yellow',
    tipRed: 'red',
    stage_submitted: 'submitted',
    stage_supplement_requested: 'supplement requested',
    stage_in_review: 'in review',
    stage_completed: 'completed',
    stage_picked_up: 'picked up',
    stage_rejected: 'rejected',
    stage_not_accepted: 'not accepted',
    sup_green: 'green',
    sup_yellow: 'yellow',
    sup_red: 'red',
    status_open: 'open',
    status_approved: 'approved',
    status_rejected: 'rejected',
    status_withdrawn: 'withdrawn',
    level_yellow: 'yellow: due soon',
    level_red: 'red: overdue',
    level_statutory_red: 'statutory limit passed',
    case_open: 'open',
    case_explanation_received: 'explanation received',
    case_closed: 'closed',
    level_region: 'region',
    level_city: 'city',
    level_county: 'county',
  },
};

function storedLang() {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

function t(key, vars) {
  const text = DICT[state.lang][key] ?? DICT.zh[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? '')) : text;
}

// ---------------------------------------------------------------------------------------------------
// State.

const state = {
  lang: storedLang(),
  live: false,
  centres: [],
  centreByCode: new Map(),
  departments: new Map(),
  items: new Map(),
  selectedCentre: REGION,
  /** The signed-in officer (GET /v1/me); the page covers their centre and those below it. */
  me: null,
  date: todayInChina(),
  day: null,
  dayError: null,
  sort: { key: 'application', dir: 'desc' },
  filter: '',
  selectedItem: null,
  applications: null,
  applicationsError: null,
  detailNo: null,
  detail: null,
  detailError: null,
  timeline: null,
  temporalUiUrl: null,
  alerts: [],
  cases: [],
  efficiency: [],
};

// ---------------------------------------------------------------------------------------------------
// Small helpers.

const $ = (id) => document.getElementById(id);

/** Builds an element: el('td', { class: 'num', dataset: { x: 1 }, onclick }, 'text', child, ...). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'testid') node.setAttribute('data-testid', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function todayInChina() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

const instantFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** An instant as China time, "2026-11-28 10:00" (with seconds if asked). */
function formatInstant(iso, seconds = false) {
  if (!iso) return '—';
  const text = instantFormat.format(new Date(iso));
  return seconds ? text : text.slice(0, 16);
}

/** Milliseconds as "3天 04:05:06" / "3d 04:05:06", with a minus sign when negative. */
function formatDuration(ms) {
  const sign = ms < 0 ? '−' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const pad = (n) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return `${sign}${days}${t('days')} ${hms}`;
}

/** Keeps the first 4 and last 4 characters of an ID number, stars between. */
function maskId(id) {
  if (!id) return '—';
  const text = String(id);
  if (text.length <= 8) return '*'.repeat(text.length);
  return `${text.slice(0, 4)}${'*'.repeat(text.length - 8)}${text.slice(-4)}`;
}

const localName = (o) => (o ? (state.lang === 'en' ? o.nameEn || o.name : o.name || o.nameEn) : undefined);

function centreName(code, short = false) {
  const name = localName(state.centreByCode.get(code)) ?? code;
  return short ? name.replace(/政务服务中心$/, '').replace(/ Government Service Centre$/, '') : name;
}

const departmentName = (code) => (code ? (localName(state.departments.get(code)) ?? code) : '—');
const itemName = (code) => localName(state.items.get(code)) ?? code;
const officerName = (o) => (o ? (o.name ? `${o.name} (${o.id})` : o.id) : '—');

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

async function getJSON(url) {
  const token = storedToken();
  const headers = { accept: 'application/json', ...(token && url.startsWith('/v1/') ? { authorization: `Bearer ${token}` } : {}) };
  const response = await fetch(url, { headers });
  if (response.status === 401) signOut(t('signInFailed', { message: response.statusText }));
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

function showError(id, error) {
  const node = $(id);
  if (!node) return;
  node.hidden = !error;
  node.textContent = error ? t('loadFailed', { message: error.message ?? String(error) }) : '';
}

/** Runs the loads of one kind one at a time and drops answers that a newer request has overtaken. */
function latest() {
  let seq = 0;
  return async (load, apply) => {
    const mine = ++seq;
    try {
      const result = await load();
      if (mine === seq) apply(result, null);
    } catch (error) {
      if (mine === seq) apply(null, error);
    }
  };
}

// ---------------------------------------------------------------------------------------------------
// Static labels.

function renderStatic() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  $('lang-switch').textContent = t('switchTo');
  renderLive();
  renderClock();
}

function renderClock() {
  $('clock').textContent = `${formatInstant(new Date().toISOString(), true)} ${state.lang === 'en' ? 'China time' : '北京时间'}`;
}

function renderLive() {
  const node = $('live');
  node.dataset.state = state.live ? 'live' : 'reconnecting';
  node.classList.toggle('is-live', state.live);
  node.querySelector('.live-text').textContent = state.live ? t('live') : t('reconnecting');
}

// ---------------------------------------------------------------------------------------------------
// The map (电子地图).

let chart;
const SIZE = { region: 22, city: 13, county: 8 };
// Drawing order, bottom to top: the region's larger dot (at the same place as Nanning's) shows as a
// ring around the dots above it; then green, yellow, red, so a late centre is never hidden under a
// neighbour that is on time; within a colour a city's dot lies above the districts around its seat.
const LAYERS = [
  ['region', 'green'],
  ['region', 'yellow'],
  ['region', 'red'],
  ...['green', 'yellow', 'red'].flatMap((colour) => [
    ['county', colour],
    ['city', colour],
  ]),
];

function initMap(geojson) {
  echarts.registerMap('guangxi', geojson);
  chart = echarts.init($('map'), null, { renderer: 'canvas' });
  chart.setOption({
    backgroundColor: 'transparent',
    animationDurationUpdate: 250,
    tooltip: {
      trigger: 'item',
      backgroundColor: 'rgba(12, 28, 48, 0.95)',
      borderColor: '#3c6a9c',
      textStyle: { color: '#e3eefa' },
      formatter: (p) => {
        const c = p.data?.centre;
        if (!c) return '';
        const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);
        return (
          `<strong>${esc(localName(c))}</strong> <span style="opacity:.7">${esc(c.code)}</span><br/>` +
          `${esc(t('tipOpen'))}: ${c.open} · ` +
          `<span style="color:${COLOURS.yellow}">${esc(t('tipYellow'))}: ${c.yellow}</span> · ` +
          `<span style="color:#ff6b6b">${esc(t('tipRed'))}: ${c.red}</span>`
        );
      },
    },
    geo: {
      map: 'guangxi',
      roam: true,
      scaleLimit: { min: 0.8, max: 30 },
      top: 8,
      bottom: 8,
      left: 8,
      right: 8,
      // The cities' names are on their centres' dots.
      label: { show: false },
      itemStyle: { areaColor: '#17385c', borderColor: '#5b8fc7', borderWidth: 1 },
      emphasis: { disabled: true },
      select: { disabled: true },
      silent: false,
    },
    series: [],
  });
  chart.on('click', (p) => {
    const code = p.data?.code;
    if (code) selectCentre(code);
  });
  new ResizeObserver(() => chart.resize()).observe($('map'));
}

function renderMap() {
  if (!chart) return;
  const series = LAYERS.map(([level, colour], index) => {
    const red = colour === 'red';
    const data = state.centres
      .filter((c) => c.level === level && (COLOURS[c.supervision] ? c.supervision : 'green') === colour)
      .map((c) => {
        const selected = c.code === state.selectedCentre;
        return {
          name: c.code,
          code: c.code,
          supervision: c.supervision,
          centre: c,
          value: [c.longitude, c.latitude],
          symbolSize: SIZE[level] + (selected ? 4 : 0),
          itemStyle: {
            color: COLOURS[colour],
            borderColor: selected ? '#ffffff' : 'rgba(255, 255, 255, 0.55)',
            borderWidth: selected ? 3 : level === 'county' ? 0.5 : 1,
            opacity: level === 'region' ? 0.85 : 1,
          },
          label: {
            show: level === 'city' || (selected && level !== 'region'),
            formatter: centreName(c.code, true),
            position: 'right',
            color: '#e3eefa',
            fontSize: 11,
            textBorderColor: '#0b1a2e',
            textBorderWidth: 2,
          },
        };
      });
    return {
      id: `${level}-${colour}`,
      type: red ? 'effectScatter' : 'scatter',
      coordinateSystem: 'geo',
      geoIndex: 0,
      z: 2 + index,
      data,
      // Reloads replace the dots in place: no entering animation, which would hide them for a moment.
      animation: false,
      ...(red ? { rippleEffect: { brushType: 'stroke', scale: 3, period: 2.5 }, showEffectOn: 'render' } : {}),
      emphasis: { scale: 1.4, label: { show: true } },
    };
  });
  chart.setOption({ series }, { replaceMerge: ['series'] });
}

const mapLoads = latest();
function loadMap() {
  return mapLoads(
    () => getJSON('/v1/supervision/map'),
    (body, error) => {
      showError('map-error', error);
      if (!body) return;
      state.centres = body.centres;
      state.centreByCode = new Map(body.centres.map((c) => [c.code, c]));
      window.__supervision.centres = state.centres;
      renderMap();
      renderCentreSelect();
      renderDayTitle();
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// The day's business table (电子表格).

const DAY_COLUMNS = ['item', 'department', 'consultation', 'application', 'acceptance', 'approval', 'completion', 'pickup', 'yellow', 'red'];
const COUNT_COLUMNS = new Set(DAY_COLUMNS.slice(2));

function renderCentreSelect() {
  const select = $('day-centre');
  const ordered = [];
  const children = new Map();
  for (const c of state.centres) {
    const list = children.get(c.parentCode ?? null) ?? [];
    list.push(c);
    children.set(c.parentCode ?? null, list);
  }
  const walk = (parent, depth) => {
    for (const c of children.get(parent) ?? []) {
      ordered.push([c, depth]);
      walk(c.code, depth + 1);
    }
  };
  walk(null, 0);
  select.replaceChildren(
    ...ordered.map(([c, depth]) =>
      el('option', { value: c.code, selected: c.code === state.selectedCentre }, `${'\u3000'.repeat(depth)}${centreName(c.code, true)} ${c.code}`),
    ),
  );
  select.value = state.selectedCentre;
}

function renderDayTitle() {
  $('day-centre-name').textContent = `${centreName(state.selectedCentre)} · ${state.date}`;
}

function dayValue(row, key) {
  if (key === 'item') return state.lang === 'en' ? row.itemNameEn || row.itemName : row.itemName;
  if (key === 'department') return departmentName(row.department);
  return row[key];
}

function renderDay() {
  renderDayTitle();
  const head = el(
    'tr',
    {},
    DAY_COLUMNS.map((key) => {
      const sorted = state.sort.key === key;
      return el(
        'th',
        {
          class: `sortable${COUNT_COLUMNS.has(key) ? ' num' : ''}${sorted ? ' sorted' : ''}`,
          dataset: { key },
          'aria-sort': sorted ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined,
          onclick: () => {
            state.sort = sorted
              ? { key, dir: state.sort.dir === 'asc' ? 'desc' : 'asc' }
              : { key, dir: COUNT_COLUMNS.has(key) ? 'desc' : 'asc' };
            renderDay();
          },
        },
        t(`col_${key}`),
        el('span', { class: 'sort-mark' }, sorted ? (state.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''),
      );
    }),
  );
  $('day-head').replaceChildren(head);

  const rows = state.day?.rows ?? [];
  const filter = state.filter.trim().toLowerCase();
  const shown = rows.filter(
    (r) =>
      !filter ||
      [r.itemCode, r.itemName, r.itemNameEn, r.department, departmentName(r.department)].some((s) => String(s ?? '').toLowerCase().includes(filter)),
  );
  const { key, dir } = state.sort;
  const collator = new Intl.Collator(state.lang === 'en' ? 'en' : 'zh-CN');
  shown.sort((a, b) => {
    const va = dayValue(a, key);
    const vb = dayValue(b, key);
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return (dir === 'asc' ? order : -order) || collator.compare(a.itemCode, b.itemCode);
  });

  $('day-body').replaceChildren(
    ...shown.map((r) =>
      el(
        'tr',
        {
          testid: `day-row-${r.itemCode}`,
          class: `clickable${r.itemCode === state.selectedItem ? ' selected' : ''}${r.red ? ' has-red' : r.yellow ? ' has-yellow' : ''}`,
          tabindex: 0,
          onclick: () => selectItem(r.itemCode),
          onkeydown: (e) => e.key === 'Enter' && selectItem(r.itemCode),
        },
        DAY_COLUMNS.map((k) => {
          const value = dayValue(r, k);
          const cls = [COUNT_COLUMNS.has(k) ? 'num' : '', k === 'yellow' && value ? 'count-yellow' : '', k === 'red' && value ? 'count-red' : '']
            .filter(Boolean)
            .join(' ');
          return el('td', { class: cls || undefined, title: k === 'item' ? r.itemCode : undefined }, value);
        }),
      ),
    ),
  );
  const empty = $('day-empty');
  empty.hidden = shown.length > 0 || !state.day;
  empty.textContent = rows.length ? t('noMatch') : t('noRows');
}

const dayLoads = latest();
function loadDay() {
  const centre = state.selectedCentre;
  const date = state.date;
  return dayLoads(
    () => getJSON(`/v1/supervision/day?date=${encodeURIComponent(date)}&centre=${encodeURIComponent(centre)}`),
    (body, error) => {
      showError('day-error', error);
      state.day = body;
      for (const r of body?.rows ?? []) state.items.set(r.itemCode, { name: r.itemName, nameEn: r.itemNameEn });
      renderDay();
    },
  );
}

function selectCentre(code) {
  if (!state.centreByCode.has(code) && code !== scope()) return;
  state.selectedCentre = code;
  state.selectedItem = null;
  state.applications = null;
  $('day-centre').value = code;
  renderMap();
  renderApplications();
  renderDayTitle();
  return loadDay();
}

// ---------------------------------------------------------------------------------------------------
// Applications of the selected item at the selected centre.

function selectItem(itemCode) {
  state.selectedItem = itemCode;
  state.applications = null;
  for (const row of $('day-body').children) row.classList.toggle('selected', row.dataset.testid === `day-row-${itemCode}`);
  renderApplications();
  return loadApplications();
}

const applicationLoads = latest();
function loadApplications() {
  const item = state.selectedItem;
  if (!item) return Promise.resolve();
  const centre = state.selectedCentre;
  return applicationLoads(
    () => getJSON(`/v1/applications?centre=${encodeURIComponent(centre)}&within=1&item=${encodeURIComponent(item)}&limit=50`),
    (body, error) => {
      state.applicationsError = error;
      state.applications = body?.applications ?? (error ? [] : null);
      renderApplications();
    },
  );
}

function supervisionBadge(level) {
  return el('span', { class: `badge badge-${level}`, dataset: { supervision: level } }, t(`sup_${level}`));
}

function stageBadge(stage) {
  return el('span', { class: `stage stage-${stage}`, dataset: { stage } }, t(`stage_${stage}`));
}

/** A span that the one-second ticker keeps counting down to `due`. */
function countdownNode(deadlines, attrs = {}) {
  const running = deadlines && deadlines.promisedDueAt && deadlines.remainingMs !== null && deadlines.remainingMs !== undefined;
  if (!running) {
    const text = deadlines?.stoppedSince ? t('clockStopped') : t('clockNotRunning');
    return el('span', { ...attrs, class: `countdown idle ${attrs.class ?? ''}` }, text);
  }
  const node = el('span', { ...attrs, class: `countdown ${attrs.class ?? ''}`, dataset: { due: deadlines.promisedDueAt } });
  tickOne(node);
  return node;
}

function tickOne(node) {
  const remaining = Date.parse(node.dataset.due) - Date.now();
  node.textContent = formatDuration(remaining);
  node.dataset.remainingMs = String(remaining);
  node.classList.toggle('overdue', remaining < 0);
}

function renderApplications() {
  const title = $('applications-title');
  const table = $('applications-table');
  const empty = $('applications-empty');
  showError('applications-error', state.applicationsError);
  if (!state.selectedItem) {
    title.textContent = t('applicationsHint');
    table.hidden = true;
    empty.hidden = true;
    return;
  }
  title.textContent = t('applicationsOf', { item: itemName(state.selectedItem), centre: centreName(state.selectedCentre, true) });
  const list = state.applications;
  empty.hidden = Boolean(list && list.length);
  empty.textContent = list === null ? t('loading') : t('noApplications');
  table.hidden = !list || list.length === 0;
  $('applications-head').replaceChildren(
    el(
      'tr',
      {},
      ['applicationNo', 'centre', 'stage', 'supervision', 'submittedAt', 'remaining'].map((k) => el('th', {}, t(`col_${k}`))),
    ),
  );
  $('applications-body').replaceChildren(
    ...(list ?? []).map((a) =>
      el(
        'tr',
        {
          testid: `application-${a.applicationNo}`,
          class: `clickable${a.applicationNo === state.detailNo ? ' selected' : ''}`,
          tabindex: 0,
          onclick: () => openDetail(a.applicationNo),
          onkeydown: (e) => e.key === 'Enter' && openDetail(a.applicationNo),
        },
        el('td', { class: 'mono' }, a.applicationNo),
        el('td', {}, centreName(a.centreCode, true)),
        el('td', {}, stageBadge(a.stage)),
        el('td', {}, supervisionBadge(a.supervision)),
        el('td', {}, formatInstant(a.submittedAt)),
        el('td', {}, countdownNode(a.deadlines)),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// Application detail.

function openDetail(no) {
  state.detailNo = no;
  state.detail = null;
  state.detailError = null;
  state.timeline = null;
  state.temporalUiUrl = null;
  $('detail').hidden = false;
  for (const row of $('applications-body').children) row.classList.toggle('selected', row.dataset.testid === `application-${no}`);
  renderDetail();
  return loadDetail();
}

function closeDetail() {
  state.detailNo = null;
  state.detail = null;
  $('detail').hidden = true;
  for (const row of $('applications-body').children) row.classList.remove('selected');
}

const detailLoads = latest();
function loadDetail() {
  const no = state.detailNo;
  if (!no) return Promise.resolve();
  const path = `/v1/applications/${encodeURIComponent(no)}`;
  return detailLoads(
    async () => {
      const [detail, history, cases] = await Promise.all([
        getJSON(path),
        getJSON(`${path}/history?format=timeline`).catch((error) => ({ error })),
        getJSON(`/v1/cases?application=${encodeURIComponent(no)}`).catch(() => ({ cases: [] })),
      ]);
      if (!state.items.has(detail.itemCode)) {
        const item = await getJSON(`/v1/items/${encodeURIComponent(detail.itemCode)}`).catch(() => null);
        if (item) state.items.set(detail.itemCode, { name: item.name, nameEn: item.nameEn });
      }
      return { detail, history, cases: cases.cases };
    },
    (result, error) => {
      if (no !== state.detailNo) return;
      state.detailError = error;
      if (result) {
        state.detail = result.detail;
        state.detailCases = result.cases;
        state.timeline = result.history.error ? null : result.history.timeline;
        state.timelineError = result.history.error ?? null;
        state.temporalUiUrl = result.history.error ? null : result.history.temporalUiUrl;
      }
      renderDetail();
    },
  );
}

function field(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function renderDetail() {
  const body = $('detail-body');
  if (!state.detailNo) return body.replaceChildren();
  const a = state.detail;
  if (!a) {
    body.replaceChildren(
      el('p', { class: 'mono detail-no' }, state.detailNo),
      el('p', { class: state.detailError ? 'error' : 'empty' }, state.detailError ? t('loadFailed', { message: state.detailError.message }) : t('loading')),
    );
    return;
  }
  const d = a.deadlines ?? {};
  const provisional = d.provisional ? t('provisional') : '';
  const facts = el(
    'dl',
    { class: 'facts' },
    field(t('f_item'), `${itemName(a.itemCode)} `, el('span', { class: 'muted' }, `${a.itemCode} · ${t('f_version')} ${a.itemVersion ?? '—'}`)),
    field(t('f_centre'), centreName(a.centreCode)),
    field(t('f_stage'), stageBadge(a.stage)),
    field(t('f_supervision'), supervisionBadge(a.supervision)),
    field(t('f_applicant'), a.applicant?.name ?? '—'),
    field(t('f_idNumber'), el('span', { class: 'mono', testid: 'masked-id' }, maskId(a.applicant?.idNumber))),
    field(t('f_responsible'), officerName(a.responsibleOfficer)),
    field(t('f_warnAt'), formatInstant(d.warnAt)),
    field(t('f_promisedDueAt'), formatInstant(d.promisedDueAt), provisional),
    field(t('f_statutoryDueAt'), formatInstant(d.statutoryDueAt), provisional),
    d.stoppedSince ? field(t('f_stopped'), formatInstant(d.stoppedSince)) : [],
    d.stoppedDays ? field(t('f_stoppedDays'), String(d.stoppedDays)) : [],
    a.holdingUp
      ? field(
          t('f_holdingUp'),
          `${departmentName(a.holdingUp.department)} · ${formatInstant(a.holdingUp.promisedDueAt)}`,
          a.holdingUp.overdue ? el('span', { class: 'badge badge-red' }, t('overdue')) : '',
        )
      : [],
  );

  const countdown = el(
    'div',
    { class: 'countdown-box' },
    el('div', { class: 'countdown-label' }, t('f_countdown')),
    countdownNode(d, { testid: 'countdown', class: 'big' }),
  );

  const reviews = (a.reviews ?? []).length
    ? el(
        'table',
        { class: 'table compact' },
        el('thead', {}, el('tr', {}, ['stage', 'department', 'centre', 'status', 'decidedBy', 'due', 'reason', 'stops'].map((k) => el('th', {}, t(`r_${k}`))))),
        el(
          'tbody',
          {},
          a.reviews.map((r) =>
            el(
              'tr',
              { dataset: { department: r.department, status: r.status } },
              el('td', { class: 'num' }, Number(r.stage) + 1),
              el('td', {}, departmentName(r.department)),
              el('td', {}, centreName(r.centreCode, true)),
              el('td', {}, el('span', { class: `status status-${r.status}` }, t(`status_${r.status}`)), r.late ? el('span', { class: 'badge badge-red' }, t('late')) : ''),
              el('td', {}, officerName(r.decidedBy)),
              el('td', {}, formatInstant(r.deadlines?.promisedDueAt)),
              el('td', {}, r.reason ?? ''),
              el('td', { class: 'num' }, (r.stops ?? []).length || ''),
            ),
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('none'));

  const alerts = (a.alerts ?? []).length
    ? el(
        'ul',
        { class: 'feed' },
        a.alerts.map((x) =>
          el(
            'li',
            { class: `feed-item level-${x.level}` },
            el('span', { class: `badge badge-${x.level === 'yellow' ? 'yellow' : 'red'}` }, t(`level_${x.level}`)),
            ` ${departmentName(x.department)} · ${formatInstant(x.at)}`,
            (x.responsible ?? []).length ? el('span', { class: 'muted' }, ` → ${x.responsible.map(officerName).join('、')}`) : '',
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('none'));

  const timeline = el(
    'ol',
    { class: 'timeline', testid: 'timeline' },
    (state.timeline ?? []).map((e) => el('li', {}, el('time', {}, formatInstant(e.at, true)), el('span', {}, e.what))),
  );

  body.replaceChildren(
    el('p', { class: 'mono detail-no', testid: 'detail-no' }, a.applicationNo),
    countdown,
    facts,
    el('h3', {}, t('reviewsTitle')),
    reviews,
    el('h3', {}, t('alertsOfApp')),
    alerts,
    el(
      'ul',
      { class: 'feed', testid: 'detail-cases' },
      ...(state.detailCases ?? []).map((c) =>
        el('li', { class: `feed-item level-${c.level}` }, `${t('caseOf')} · ${t(`level_${c.level}`)} · ${c.status}${c.outcome ? ` · ${c.outcome}` : ''}`),
      ),
    ),
    el('h3', {}, t('timelineTitle')),
    state.temporalUiUrl ? el('p', {}, el('a', { href: state.temporalUiUrl, target: '_blank', rel: 'noopener', testid: 'temporal-link' }, t('temporalUi'), ' ↗')) : '',
    state.timelineError ? el('p', { class: 'error' }, t('loadFailed', { message: state.timelineError.message })) : '',
    timeline,
  );
}

// ---------------------------------------------------------------------------------------------------
// Alerts and accountability cases.

const newestFirst = (key) => (a, b) => Date.parse(b[key]) - Date.parse(a[key]);

function appLink(no) {
  return el('a', { href: `#${no}`, class: 'mono app-link', dataset: { no }, onclick: (e) => (e.preventDefault(), openDetail(no)) }, no);
}

function renderAlerts() {
  const list = [...state.alerts].sort(newestFirst('at'));
  $('alerts').replaceChildren(
    ...(list.length
      ? list.map((x) =>
          el(
            'li',
            { class: `feed-item level-${x.level}` },
            el('span', { class: `badge badge-${x.level === 'yellow' ? 'yellow' : 'red'}` }, t(`level_${x.level}`)),
            appLink(x.applicationNo),
            el('span', {}, `${centreName(x.centreCode, true)} · ${departmentName(x.department)}`),
            el('time', { class: 'muted' }, formatInstant(x.at)),
          ),
        )
      : [el('li', { class: 'empty' }, t('none'))]),
  );
}

function renderCases() {
  const list = [...state.cases].sort(newestFirst('openedAt'));
  $('cases').replaceChildren(
    ...(list.length
      ? list.map((c) =>
          el(
            'li',
            { class: `feed-item level-${c.level}`, dataset: { caseId: c.id } },
            el('span', { class: 'badge badge-red' }, t(`level_${c.level}`)),
            appLink(c.applicationNo),
            el('span', {}, `${centreName(c.centreCode, true)} · ${departmentName(c.department)}`),
            el('span', { class: `status status-${c.status}` }, t(`case_${c.status}`)),
            el('time', { class: 'muted' }, formatInstant(c.openedAt)),
          ),
        )
      : [el('li', { class: 'empty' }, t('none'))]),
  );
}

const alertLoads = latest();
const caseLoads = latest();
function loadAlerts() {
  return Promise.all([
    alertLoads(
      () => getJSON('/v1/alerts?limit=20'),
      (body, error) => {
        showError('alerts-error', error);
        if (body) state.alerts = body.alerts;
        renderAlerts();
      },
    ),
    caseLoads(
      () => getJSON('/v1/cases?status=open'),
      (body, error) => {
        showError('cases-error', error);
        if (body) state.cases = body.cases;
        renderCases();
      },
    ),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Efficiency (行政效能).

let efficiencyChart;

function renderEfficiency() {
  const rows = state.efficiency;
  const label = (key) => (state.centreByCode.has(key) ? centreName(key, true) : key);
  const fixed = (n, digits = 2) => (typeof n === 'number' ? n.toFixed(digits) : '—');
  $('efficiency-head').replaceChildren(
    el('tr', {}, ['key', 'decided', 'statutory', 'working', 'speedUp', 'onTime', 'yellow', 'red'].map((k) => el('th', { class: k === 'key' ? '' : 'num' }, t(`eff_${k}`)))),
  );
  $('efficiency-body').replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            { dataset: { key: r.key } },
            el('td', { title: r.key }, label(r.key)),
            el('td', { class: 'num' }, r.decided),
            el('td', { class: 'num' }, fixed(r.averageStatutoryDays)),
            el('td', { class: 'num' }, fixed(r.averageWorkingDays)),
            el('td', { class: 'num' }, r.speedUp === null || r.speedUp === undefined ? '—' : `${fixed(r.speedUp, 1)}×`),
            el('td', { class: 'num' }, typeof r.onTimeRate === 'number' ? `${(r.onTimeRate * 100).toFixed(0)}%` : '—'),
            el('td', { class: `num${r.yellowAlerts ? ' count-yellow' : ''}` }, r.yellowAlerts),
            el('td', { class: `num${r.redAlerts ? ' count-red' : ''}` }, r.redAlerts),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 8, class: 'empty' }, t('none')))]),
  );
  if (!efficiencyChart) return;
  const many = rows.length > 10;
  efficiencyChart.setOption(
    {
      backgroundColor: 'transparent',
      title: {
        show: rows.length === 0,
        text: t('none'),
        left: 'center',
        top: 'middle',
        textStyle: { color: '#8aa4c2', fontSize: 13, fontWeight: 'normal' },
      },
      grid: { left: 44, right: 12, top: 34, bottom: many ? 62 : 40 },
      legend: { top: 0, textStyle: { color: '#c6d8ec', fontSize: 11 }, itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        show: rows.length > 0,
        type: 'category',
        data: rows.map((r) => label(r.key)),
        axisLabel: { color: '#c6d8ec', fontSize: 11, interval: 0, rotate: rows.length > 4 ? 30 : 0 },
        axisLine: { lineStyle: { color: '#3c6a9c' } },
      },
      yAxis: {
        show: rows.length > 0,
        type: 'value',
        name: t('days'),
        nameTextStyle: { color: '#c6d8ec' },
        axisLabel: { color: '#c6d8ec' },
        splitLine: { lineStyle: { color: 'rgba(60, 106, 156, 0.35)' } },
      },
      dataZoom: many ? [{ type: 'slider', height: 14, bottom: 4, start: 0, end: Math.round((10 / rows.length) * 100) }] : [],
      series: [
        { id: 'statutory', name: t('effSeriesStatutory'), type: 'bar', data: rows.map((r) => r.averageStatutoryDays), itemStyle: { color: '#5b8fc7' }, barMaxWidth: 26 },
        { id: 'working', name: t('effSeriesWorking'), type: 'bar', data: rows.map((r) => r.averageWorkingDays), itemStyle: { color: '#4caf50' }, barMaxWidth: 26 },
      ],
    },
    { replaceMerge: ['dataZoom', 'series'] },
  );
}

const efficiencyLoads = latest();
function loadEfficiency() {
  return efficiencyLoads(
    () => getJSON(`/v1/statistics/efficiency?groupBy=${$('efficiency-group').value}&centre=${scope()}`),
    (body, error) => {
      showError('efficiency-error', error);
      if (body) state.efficiency = body.rows;
      renderEfficiency();
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Live updates: server-sent events, applied at most once per 500 ms.

let refreshTimer = null;
let lastRefresh = 0;

function refreshAll() {
  return Promise.all([loadMap(), loadDay(), loadApplications(), loadAlerts(), loadDetail(), loadEfficiency()]);
}

function scheduleRefresh() {
  if (refreshTimer) return;
  const wait = Math.max(0, lastRefresh + 500 - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    lastRefresh = Date.now();
    void refreshAll();
  }, wait);
}

function connectStream() {
  // EventSource sends no headers: the stream alone takes the token in its query.
  const source = new EventSource(`/v1/supervision/stream?access_token=${encodeURIComponent(storedToken() ?? '')}`);
  let opened = false;
  source.onopen = () => {
    state.live = true;
    renderLive();
    // After a reconnection, catch up on whatever changed while the stream was down.
    if (opened) scheduleRefresh();
    opened = true;
  };
  source.onerror = () => {
    state.live = false;
    renderLive();
  };
  source.onmessage = scheduleRefresh;
  source.addEventListener('change', scheduleRefresh);
  return source;
}

// ---------------------------------------------------------------------------------------------------
// Start.

function renderAll() {
  renderStatic();
  renderMap();
  renderCentreSelect();
  renderDay();
  renderApplications();
  renderDetail();
  renderAlerts();
  renderCases();
  renderEfficiency();
}

/** The signed-in officer's centre: everything the page shows lies within it. */
const scope = () => state.me?.officer?.centreCode ?? REGION;

function signOut(message) {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
  location.hash = message ? `signin=${encodeURIComponent(message)}` : '';
  location.reload();
}

/** Resolves with the signed-in officer; until then the sign-in form is shown. */
async function signIn() {
  const fromLink = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
  if (fromLink) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromLink));
    history.replaceState(null, '', location.pathname);
  }
  const form = $('signin');
  const message = /signin=([^&]+)/.exec(location.hash)?.[1];
  for (;;) {
    if (storedToken()) {
      const response = await fetch('/v1/me', { headers: { authorization: `Bearer ${storedToken()}` } });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        form.hidden = true;
        return body;
      }
      sessionStorage.removeItem(TOKEN_KEY);
      $('signin-error').textContent = t('signInFailed', { message: body?.error?.message ?? response.status });
      $('signin-error').hidden = false;
    } else if (message) {
      $('signin-error').textContent = decodeURIComponent(message);
      $('signin-error').hidden = false;
    }
    form.hidden = false;
    await new Promise((resolve) =>
      form.addEventListener(
        'submit',
        (event) => {
          event.preventDefault();
          sessionStorage.setItem(TOKEN_KEY, $('signin-token').value.trim());
          resolve();
        },
        { once: true },
      ),
    );
  }
}

async function start() {
  window.__supervision = { chart: undefined, centres: [], state, refresh: refreshAll };
  renderStatic();
  state.me = await signIn();
  state.selectedCentre = scope();
  $('whoami').textContent = `${state.me.officer.name} (${state.me.officer.id})`;
  $('sign-out').hidden = false;
  $('sign-out').addEventListener('click', () => signOut());
  setInterval(() => {
    renderClock();
    for (const node of document.querySelectorAll('.countdown[data-due]')) tickOne(node);
  }, 1000);

  const dateInput = $('day-date');
  dateInput.value = state.date;
  dateInput.addEventListener('change', () => {
    if (!dateInput.value) return;
    state.date = dateInput.value;
    state.selectedItem = null;
    state.applications = null;
    renderApplications();
    renderDayTitle();
    void loadDay();
  });
  $('day-centre').addEventListener('change', (e) => void selectCentre(e.target.value));
  $('day-filter').addEventListener('input', (e) => {
    state.filter = e.target.value;
    renderDay();
  });
  $('detail-close').addEventListener('click', closeDetail);
  $('efficiency-group').addEventListener('change', () => void loadEfficiency());
  $('map-reset').addEventListener('click', () => chart?.setOption({ geo: { center: null, zoom: 1 } }));
  document.addEventListener('keydown', (e) => e.key === 'Escape' && !$('detail').hidden && closeDetail());
  $('lang-switch').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh' : 'en';
    try {
      localStorage.setItem(LANG_KEY, state.lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
    renderAll();
  });

  renderDay();
  renderApplications();
  renderAlerts();
  renderCases();

  efficiencyChart = echarts.init($('efficiency-chart'));
  new ResizeObserver(() => efficiencyChart.resize()).observe($('efficiency-chart'));

  connectStream();
  const departments = getJSON('/v1/departments')
    .then((body) => {
      state.departments = new Map(body.departments.map((d) => [d.code, d]));
    })
    .catch(() => {});
  const geo = getJSON('/supervision/vendor/guangxi.json')
    .then((geojson) => {
      initMap(geojson);
      window.__supervision.chart = chart;
    })
    .catch((error) => showError('map-error', error));
  await Promise.all([departments, geo]);
  lastRefresh = Date.now();
  await Promise.all([loadMap(), loadDay(), loadAlerts(), loadEfficiency()]);
  renderAll();
  document.body.dataset.ready = 'true';
}

void start();
