// The page's state: what is loaded, selected and shown, and the signed-in officer's centre.
// It imports only the constants, so every other module can read it.

import { LANG_KEY, REGION, TZ } from './constants.js';

/** The language chosen before (the language switch keeps it), else Chinese. */
function storedLang() {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** Today's date in China, "2026-11-28". */
function todayInChina() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export const state = {
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
  /** The item category the day's table, the applications and the statistics are narrowed to ('' for all). */
  category: '',
  selectedItem: null,
  applications: null,
  applicationsError: null,
  detailNo: null,
  detail: null,
  detailError: null,
  timeline: null,
  temporalUiUrl: null,
  /** The history answer's source (temporal or archive) with the archive's instant and SHA-256. */
  historySource: null,
  alerts: [],
  cases: [],
  efficiency: [],
  /** The centre and grouping the loaded statistics are of (the selection may have moved since). */
  efficiencyCentre: null,
  efficiencyGroup: 'centre',
  efficiencyCategory: null,
  /** This month's fee figures by department and the notices unpaid past their deadline, of `centre`. */
  fees: null,
  /** This month's ratings (好差评) of `centre`: the whole scope's figures, the rows by window or officer (`by`) and the windows' ranking. */
  ratings: null,
  /** The ratings table's rows: by window or by officer. */
  ratingsBy: 'window',
};

/** The signed-in officer's centre: everything the page shows lies within it. */
export const scope = () => state.me?.officer?.centreCode ?? REGION;
