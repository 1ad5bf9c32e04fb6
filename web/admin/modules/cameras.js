// The windows' cameras (摄像机), the system administrator's: those of a centre within theirs and the
// centres below it, each with its recording health, registered (POST) or changed (PUT) here. The API
// keeps a camera's user and password apart and never answers them: the page shows only whether some
// are kept, never prefills the password, and an empty password when changing one keeps what is kept.

import { getJSON, request } from '../../workstation/modules/api.js';
import { el, formatInstant } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { t } from './i18n.js';
import { labelled, recordForm } from './organisation.js';
import { admin, centreName, withinScope } from './scope.js';

/** The API's own wording of the camera rules, in Chinese (api/messages-zh.ts does not know them). */
const CAMERA_RULES_ZH = [
  [/^must be an rtsp:\/\/ or rtsps:\/\/ URL$/, () => '须为 rtsp:// 或 rtsps:// 开头的地址'],
  [/^a GB\/T 28181 id is 20 digits$/, () => '须为20位数字（GB/T 28181 编码）'],
  [/^letters, digits, \. _ - \(at most 64\)$/, () => '只能含字母、数字和 . _ -（最多64个）'],
  [/^no window (.+)$/, (code) => `未知窗口：${code}`],
];

function inChinese(detail) {
  for (const [pattern, zh] of CAMERA_RULES_ZH) {
    const match = pattern.exec(detail.message ?? '');
    if (match) return { ...detail, messageZh: zh(...match.slice(1)) };
  }
  return detail;
}

/** A request whose refusal is said by the fields: a camera already registered by its id field. */
async function send(method, url, body) {
  try {
    return await request(method, url, body);
  } catch (error) {
    if (error?.code === 'camera_exists') error.details = [{ field: 'body.id', message: error.message, messageZh: t('cameraExists') }];
    else if (error?.details) error.details = error.details.map(inChinese);
    throw error;
  }
}

function healthCell(c) {
  const { state: health, offlineSince, lastSegmentAt } = c.health;
  return el(
    'td',
    { testid: 'camera-health' },
    el('span', { class: `health-dot health-${health}`, 'aria-hidden': 'true' }),
    t(`health_${health}`),
    health === 'offline' && offlineSince ? el('div', { class: 'muted' }, t('offlineSince', { at: formatInstant(offlineSince) })) : null,
    lastSegmentAt ? el('div', { class: 'muted' }, t('lastSegment', { at: formatInstant(lastSegmentAt) })) : null,
  );
}

export async function renderCameras(main, centre = state.officer.centreCode, flash) {
  if (!withinScope(centre)) centre = state.officer.centreCode;
  const { cameras } = await getJSON(`/v1/cameras?centre=${centre}`);
  const editor = el('div', { class: 'editor', testid: 'camera-editor' });
  const again = (message) => renderCameras(main, centre, message);
  const windows = new Map();
  const windowsOf = (code) => {
    if (!windows.has(code)) windows.set(code, getJSON(`/v1/windows?centre=${code}`).then((body) => body.windows));
    return windows.get(code);
  };
  const open = async (existing) => editor.replaceChildren(cameraForm(existing, await windowsOf(existing?.centreCode ?? centre), again));
  const centres = [...admin.centres.values()].filter((c) => withinScope(c.code));
  const picker = el(
    'select',
    { name: 'centre', testid: 'camera-centre', 'aria-label': t('centreShown'), onchange: () => (location.hash = `#/cameras/${picker.value}`) },
    centres.map((c) => el('option', { value: c.code, selected: c.code === centre }, `${centreName(c.code)}（${c.code}）`)),
  );
  const table = el(
    'table',
    { class: 'table', testid: 'cameras' },
    el('caption', {}, t('camerasCaption', { centre: centreName(centre) })),
    el('thead', {}, el('tr', {}, [t('cameraId'), t('window'), t('cameraName'), t('rtspUrl'), t('gbIds'), t('cameraEnabled'), t('health'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      cameras.map((c) =>
        el(
          'tr',
          { testid: `camera-${c.id}`, dataset: { state: c.health.state, enabled: String(c.enabled) } },
          el('th', { scope: 'row', class: 'mono' }, c.id),
          el('td', {}, c.windowName, el('div', { class: 'muted mono' }, c.windowCode)),
          el('td', { testid: 'camera-name' }, c.name),
          el(
            'td',
            {},
            el('span', { class: 'mono camera-url', testid: 'camera-url' }, c.rtspUrl),
            c.credentials ? el('div', { class: 'muted', testid: 'camera-credentials' }, t('credentialsKept')) : null,
          ),
          el('td', { class: 'mono', testid: 'camera-gb' }, c.gbDeviceId || c.gbChannelId ? [c.gbDeviceId ?? '—', el('br'), c.gbChannelId ?? '—'] : '—'),
          el('td', { testid: 'camera-enabled' }, c.enabled ? t('enabledYes') : el('span', { class: 'camera-disabled' }, t('enabledNo'))),
          healthCell(c),
          el('td', {}, el('button', { type: 'button', testid: `edit-camera-${c.id}`, onclick: () => void open(c) }, t('edit'))),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('camerasTitle'), picker),
    statusLine(flash, 'flash'),
    el('p', { class: 'muted' }, t('camerasHint')),
    el('section', { class: 'card' }, el('div', { class: 'actions' }, el('button', { type: 'button', testid: 'new-camera', onclick: () => void open(null) }, t('newCamera'))), editor),
    cameras.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty', testid: 'cameras-empty' }, t('camerasEmpty')),
  );
}

const check = (field, control, label) => el('label', { class: 'check', dataset: field ? { field: `body.${field}` } : undefined }, control, ' ', label);

function cameraForm(existing, windows, again) {
  const id = el('input', { type: 'text', name: 'id', value: existing?.id ?? '', readonly: !!existing, class: 'mono', autocomplete: 'off' });
  const window = el(
    'select',
    // A camera records one window: at another it is registered anew (the API refuses a move).
    { name: 'windowCode', disabled: !!existing },
    windows.map((w) => el('option', { value: w.code, selected: w.code === existing?.windowCode }, `${w.name}（${w.code}）`)),
  );
  const name = el('input', { type: 'text', name: 'name', value: existing?.name ?? '' });
  const url = el('input', { type: 'text', name: 'rtspUrl', value: existing?.rtspUrl ?? '', class: 'mono', placeholder: 'rtsp://192.0.2.10:554/Streaming/Channels/101', autocomplete: 'off' });
  const user = el('input', { type: 'text', name: 'username', value: '', autocomplete: 'off', placeholder: existing?.credentials ? t('keptPlaceholder') : '' });
  const password = el('input', { type: 'password', name: 'password', value: '', autocomplete: 'new-password', placeholder: existing?.credentials ? t('keptPlaceholder') : '' });
  const device = el('input', { type: 'text', name: 'gbDeviceId', value: existing?.gbDeviceId ?? '', class: 'mono', inputmode: 'numeric', maxlength: 20 });
  const channel = el('input', { type: 'text', name: 'gbChannelId', value: existing?.gbChannelId ?? '', class: 'mono', inputmode: 'numeric', maxlength: 20 });
  const enabled = el('input', { type: 'checkbox', name: 'enabled', checked: existing?.enabled ?? true });
  const clear = existing?.credentials ? el('input', { type: 'checkbox', name: 'clearCredentials' }) : null;
  const body = () => {
    const fields = {
      windowCode: window.value,
      name: name.value.trim(),
      rtspUrl: url.value.trim(),
      gbDeviceId: device.value.trim() || null,
      gbChannelId: channel.value.trim() || null,
      enabled: enabled.checked,
    };
    // Empty: kept as it is (or none, for a new camera); cleared: null, both.
    if (clear?.checked) return { ...fields, username: null, password: null };
    if (user.value.trim()) fields.username = user.value.trim();
    if (password.value) fields.password = password.value;
    return fields;
  };
  return recordForm({
    testid: 'camera-form',
    legend: existing ? t('editCamera', { id: existing.id }) : t('newCamera'),
    fields: [
      el(
        'div',
        { class: 'camera-fields' },
        labelled('id', t('cameraId'), id),
        labelled('windowCode', t('window'), window),
        labelled('name', t('cameraName'), name),
        labelled('rtspUrl', t('rtspUrl'), url),
        labelled('username', t('cameraUser'), user),
        labelled('password', t('cameraPassword'), password),
        labelled('gbDeviceId', t('gbDeviceId'), device),
        labelled('gbChannelId', t('gbChannelId'), channel),
      ),
      el('p', { class: 'hint' }, existing ? t('credentialsHintEdit') : t('credentialsHint')),
      clear ? check(null, clear, t('clearCredentials')) : null,
      check('enabled', enabled, t('cameraRecord')),
    ],
    save: () =>
      existing
        ? send('PUT', `/v1/cameras/${encodeURIComponent(existing.id)}`, body())
        : send('POST', '/v1/cameras', { id: id.value.trim(), ...body() }),
    done: (saved) => again(t('cameraSaved', { id: saved.id })),
  });
}
