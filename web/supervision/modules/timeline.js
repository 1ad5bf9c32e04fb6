// The application's timeline (GET …/history?format=timeline) in the page's language: what each event
// of its workflow means for the application, not Temporal's words for it.

import { departmentName } from './helpers.js';
import { t } from './i18n.js';

/** A known key's text, else the fallback (the page never shows a key as text). */
const known = (key, fallback) => {
  const text = t(key);
  return text === key ? fallback : text;
};

/** A transition a read-model write carries, "review_opened (transport)", in words. */
function transition(entry, centreCode) {
  const [, type, department] = /^(\w+)(?: \((\w+)\))?$/.exec(entry) ?? [null, entry, null];
  const words = known(`tr_${type}`, type);
  return department ? `${words}（${departmentName(department, centreCode)}）` : words;
}

const activityWords = (name) => known(`act_${name}`, t('act_other', { name }));

/** One line of the timeline, from its kind and details. */
export function describeEvent(e, centreCode) {
  const join = (...parts) => parts.filter(Boolean).join(t('tl_sep'));
  switch (e.kind) {
    case 'workflow_started':
      return t('tl_workflow_started');
    case 'activity_scheduled': {
      const carried = (e.transitions ?? []).map((x) => transition(x, centreCode)).join(t('tl_list'));
      return join(t('tl_activity_scheduled', { what: activityWords(e.activity) }), carried);
    }
    case 'activity_completed':
      return t(e.attempts ? 'tl_activity_completed_after' : 'tl_activity_completed', { what: activityWords(e.activity), attempts: e.attempts });
    case 'activity_failed':
    case 'activity_timed_out':
      return t(`tl_${e.kind}`, { what: activityWords(e.activity) });
    case 'update_accepted': {
      const what = known(`up_${e.update}_${e.decision}`, known(`up_${e.update}`, t('up_other', { name: e.update })));
      return join(what, e.department ? departmentName(e.department, centreCode) : '', e.officer ?? '');
    }
    case 'timer_started':
    case 'timer_fired': {
      const alert = e.timer?.alert ? t(`tm_${e.timer.alert}`) : t('tm_other');
      const where = e.timer?.department ? departmentName(e.timer.department, centreCode) : t('tm_application');
      return t(`tl_${e.kind}`, { alert: `${alert}${t('tl_sep')}${where}` });
    }
    default:
      return known(`tl_${e.kind}`, e.what);
  }
}
