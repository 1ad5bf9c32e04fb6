// The public complaint form (投诉, 有诉必查) at /complain: choose a centre and, optionally, one of its
// windows, say what happened, give a name (and a phone) or complain anonymously. The answer's tracking
// code is shown once, with the link to the page that follows the complaint. No sign-in, nothing from
// other sites. Applications are complained about through the portal they were applied on, or at the
// window: a number alone would let anyone learn of another's application.

import { $, both, call, el, refusal, show } from './common.js';

const SUBJECTS = '/v1/public/complaint-subjects';

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

async function load() {
  const { res, body } = await call(SUBJECTS);
  if (!res.ok) {
    const { code, zh, en } = refusal(body, res.status);
    show('refused', zh, en, code);
    return;
  }
  $('centre').append(...centreOptions(body.centres));
  show('ready', '请填写投诉内容。', 'Please tell us what happened.');
  $('complaint-form').hidden = false;
}

/** The chosen centre's windows; none chosen: the whole centre. */
async function centreChosen() {
  const select = $('window');
  const centre = $('centre').value;
  select.replaceChildren(select.options[0]);
  select.value = '';
  select.disabled = true;
  if (!centre) return;
  const { res, body } = await call(`${SUBJECTS}?centre=${encodeURIComponent(centre)}`);
  if ($('centre').value !== centre) return;
  if (!res.ok) {
    const { zh, en } = refusal(body, res.status);
    fail(zh, en);
    return;
  }
  for (const w of body.windows ?? []) {
    const label = w.name.includes(w.department.name) ? w.name : `${w.name}（${w.department.name}）`;
    select.append(el('option', { value: w.code }, label));
  }
  select.disabled = false;
}

function anonymousChanged() {
  const anonymous = $('anonymous').checked;
  for (const id of ['name', 'phone']) {
    $(id).disabled = anonymous;
    if (anonymous) $(id).removeAttribute('aria-invalid');
  }
  $('contact-fields').hidden = anonymous;
}

function fail(zh, en, field) {
  const error = $('form-error');
  error.replaceChildren(...both(zh, en));
  error.hidden = false;
  if (field) {
    $(field).setAttribute('aria-invalid', 'true');
    $(field).focus();
  }
}

/** The request's body, or the first thing missing. */
function complaint() {
  const centre = $('centre').value;
  const windowCode = $('window').value;
  const content = $('content').value.trim();
  const anonymous = $('anonymous').checked;
  const name = $('name').value.trim();
  const phone = $('phone').value.trim();
  if (!centre) return { missing: ['centre', '请选择政务服务中心。', 'Choose a service centre.'] };
  if (content.length < 5) return { missing: ['content', '请描述事情经过，至少 5 个字。', 'Describe what happened, in at least 5 characters.'] };
  if (!anonymous && !name) return { missing: ['name', '请填写姓名，或选择匿名投诉。', 'Give your name, or complain anonymously.'] };
  if (!anonymous && phone && !/^[0-9+\- ]{5,20}$/.test(phone)) return { missing: ['phone', '联系电话格式不正确。', 'The phone number is not valid.'] };
  return {
    body: {
      subject: windowCode ? { kind: 'window', windowCode } : { kind: 'centre', centreCode: centre },
      content,
      ...(anonymous ? {} : { complainant: { name, ...(phone ? { phone } : {}) } }),
    },
  };
}

/** The fields the API names, as the form's controls. */
const CONTROLS = { 'body.content': 'content', 'body.complainant.name': 'name', 'body.complainant.phone': 'phone', 'body.subject.windowCode': 'window', 'body.subject.centreCode': 'centre' };

async function submit(event) {
  event.preventDefault();
  const form = $('complaint-form');
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  $('form-error').hidden = true;
  const { body, missing } = complaint();
  if (missing) {
    const [field, zh, en] = missing;
    fail(zh, en, field);
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const { res, body: answer } = await call('/v1/public/complaints', { method: 'POST', body: JSON.stringify(body) });
    if (res.ok) {
      form.hidden = true;
      $('complaint-id').textContent = answer.id;
      $('tracking-code').textContent = answer.trackingCode;
      $('track-link').href = answer.trackingUrl;
      $('filed').hidden = false;
      show('done', '投诉已提交，我们会依法受理调查。', 'Your complaint has been sent and will be looked into.');
      $('filed-title').setAttribute('tabindex', '-1');
      $('filed-title').focus();
      return;
    }
    const { zh, en } = refusal(answer, res.status);
    const detail = answer?.error?.details?.[0];
    if (res.status === 400 && detail) fail(detail.messageZh ?? '请检查填写的内容。', detail.message, CONTROLS[detail.field]);
    else fail(zh, en);
  } catch {
    fail('网络异常，请稍后再试。', 'The network failed: please try again.');
  } finally {
    button.disabled = false;
  }
}

function lookup(event) {
  event.preventDefault();
  const code = $('lookup-code').value.trim();
  if (!code) {
    $('lookup-code').setAttribute('aria-invalid', 'true');
    $('lookup-code').focus();
    return;
  }
  location.assign(`/complain/track/${encodeURIComponent(code)}`);
}

$('centre').addEventListener('change', () => centreChosen().catch(() => fail('网络异常，请稍后再试。', 'The network failed: please try again.')));
$('anonymous').addEventListener('change', anonymousChanged);
$('complaint-form').addEventListener('submit', submit);
$('lookup').addEventListener('submit', lookup);
load().catch(() => show('refused', '无法加载，请稍后再试。', 'The page could not load: please try again.'));
