// The page's state: what is loaded, selected and shown, and the signed-in officer's centre.

import { REGION } from './constants.js';
import { todayInChina } from './helpers.js';
import { storedLang } from './i18n.js';

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

/** The signed-in officer's centre: everything the page shows lies within it. */
export const scope = () => state.me?.officer?.centreCode ?? REGION;
