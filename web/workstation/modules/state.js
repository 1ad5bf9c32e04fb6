// The page's state: the signed-in officer and their session, the language, what is loaded.
// It imports nothing, so every other module can read it.

export const LANG_KEY = 'onewindow.workstation.lang';
export const TZ = 'Asia/Shanghai';

function storedLang() {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export const state = {
  lang: storedLang(),
  /** { id, name, role, centreCode, departmentCode } from GET /auth/session. */
  officer: null,
  /** Sent as X-CSRF-Token with every request that changes something. */
  csrfToken: null,
  departments: new Map(),
  /** Items by code and version ("code@version"), as the catalogue gives them. */
  items: new Map(),
  /** Working-day calendar: days off and working weekends by date (calendar.js); dayMs a demo centre's compressed day, null elsewhere. */
  calendar: { daysOff: new Set(), workingDays: new Set(), years: new Set(), dayMs: undefined },
  /** What the current screen shows, for a re-render after the language switch. */
  screen: null,
};

export const ROLES = {
  window: ['window_officer', 'chief_representative', 'department_leader'],
  deciding: ['chief_representative', 'department_leader'],
};
