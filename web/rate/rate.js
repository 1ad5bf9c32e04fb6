// The public rating page (好差评): the one-time code is the last part of the address (/rate/<token>).
// It asks what the code may rate, shows one group of levels per event with optional tags and a
// comment, and sends the levels chosen. An event the code names that has not happened yet (a
// decision's code names its pickup) is shown disabled, to be rated with the same code once it has.
// A rating given with the code shortly before (within the change window, even if the code is used)
// is shown as given, with the time it may be changed until, and sent again only if changed.
// No sign-in, nothing from other sites.

const token = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
const api = `/v1/public/ratings/${encodeURIComponent(token)}`;

const EVENTS = {
  consultation: ['咨询', 'Consultation'],
  intake: ['受理', 'Intake'],
  decision: ['办结', 'Decision'],
  pickup: ['取件', 'Pickup'],
};

/** What each refusal tells the applicant, in Chinese and English. */
const REFUSALS = {
  token_used: ['此评价码已使用，每个评价码只能评价一次，评价后只能在规定时间内修改。', 'This code has already been used: each code rates once, and a rating can be changed only for a short while after it is given.'],
  token_expired: ['此评价码已过期。', 'This code has expired.'],
  unknown_token: ['无法识别此评价码，请核对办件通知书上的二维码。', 'This code is not recognised: check the QR code on your notice.'],
  rate_limited: ['操作过于频繁，请稍后再试。', 'Too many attempts: please try again in a minute.'],
  already_rated: ['该事项已评价过，或已超过可修改的时间，不能再修改。', 'This has been rated already, or can no longer be changed.'],
};

const $ = (id) => document.getElementById(id);

/** The events the code names that have not happened yet. */
let pending = [];

/** The ratings given with the code that it may still change, by event, as given. */
let given = new Map();

/** A time to the minute, in the page's language and the phone's time zone. */
const when = (iso, locale) => new Date(iso).toLocaleString(locale, { month: locale === 'zh-CN' ? 'numeric' : 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An element with its attributes and children (text is always set as text, never as HTML). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

/** Chinese, then English in a smaller, muted span. */
const both = (zh, en) => [zh, ' ', el('span', { lang: 'en' }, en)];

function show(kind, zh, en) {
  const status = $('status');
  status.replaceChildren(...both(zh, en));
  status.className = `status ${kind}`;
  status.dataset.kind = kind;
  status.hidden = false;
}

function refusal(body, status) {
  const code = body?.error?.code;
  const [zh, en] = REFUSALS[code] ?? [`无法完成（${status}）。`, body?.error?.message ?? `Something went wrong (${status}).`];
  return { code, zh, en };
}

/**
 * One event's group: its levels, tags and comment; for a rating given with the code (`current`), those
 * chosen as given and a note saying until when it may be changed.
 */
function eventFieldset(event, levels, tags, current) {
  const [zh, en] = EVENTS[event.event];
  if (!event.happened) {
    return el(
      'fieldset',
      { 'data-testid': `event-${event.event}`, 'data-happened': 'false', disabled: '', 'aria-disabled': 'true' },
      el('legend', {}, ...both(zh, en)),
      el('p', { class: 'served pending', 'data-testid': `pending-${event.event}` }, ...both(`尚未${zh}：${zh}后可再次扫码评价。`, `Not yet: scan the code again to rate it once it has happened.`)),
    );
  }
  const served = [event.window?.name, event.officer?.name].filter(Boolean).join(' · ');
  const checked = (yes) => (yes ? { checked: '' } : {});
  const levelChoices = levels.map((level) =>
    el(
      'label',
      {},
      el('input', { type: 'radio', name: `level-${event.event}`, value: level.code, 'data-testid': `level-${event.event}-${level.code}`, ...checked(current?.level === level.code) }),
      ...both(level.zh, level.en),
    ),
  );
  const tagChoices = tags.map((tag) =>
    el(
      'label',
      {},
      el('input', { type: 'checkbox', name: `tags-${event.event}`, value: tag.code, 'data-testid': `tag-${event.event}-${tag.code}`, ...checked(current?.tags.includes(tag.code)) }),
      ...both(tag.zh, tag.en),
    ),
  );
  const commentId = `comment-${event.event}`;
  const level = current && levels.find((l) => l.code === current.level);
  const note =
    current &&
    el(
      'p',
      { class: 'current', 'data-testid': `current-${event.event}` },
      ...both(
        `您已评价：${level?.zh ?? current.levelZh}。可在 ${when(current.changeableUntil, 'zh-CN')} 前修改。`,
        `You rated it: ${level?.en ?? current.level}. You may change it until ${when(current.changeableUntil, 'en-GB')}.`,
      ),
    );
  return el(
    'fieldset',
    { 'data-testid': `event-${event.event}`, 'data-event': event.event, ...(current ? { 'data-rated': 'true' } : {}) },
    el('legend', {}, ...both(zh, en)),
    el('p', { class: 'served' }, served || '—'),
    ...(note ? [note] : []),
    el('fieldset', {}, el('legend', {}, ...both('满意程度', 'How satisfied are you?')), el('div', { class: 'choices' }, ...levelChoices)),
    el('fieldset', {}, el('legend', {}, ...both('评价标签（可选）', 'Tags (optional)')), el('div', { class: 'choices' }, ...tagChoices)),
    el('label', { for: commentId }, ...both('意见建议（可选）', 'Comment (optional)')),
    el('textarea', { id: commentId, name: commentId, maxlength: '500', 'data-testid': commentId }, current?.comment ?? ''),
  );
}

/** Whether a rating chosen differs from the one given with the code (a change is sent, the same not). */
function differs(rating, current) {
  const tags = (list) => [...(list ?? [])].sort().join(',');
  return rating.level !== current.level || tags(rating.tags) !== tags(current.tags) || (rating.comment ?? '') !== (current.comment ?? '');
}

/** The ratings chosen: one per event with a level; its tags and comment with it. */
function chosen(form) {
  return [...form.querySelectorAll('fieldset[data-event]')].flatMap((fieldset) => {
    const event = fieldset.dataset.event;
    const level = fieldset.querySelector(`input[name="level-${event}"]:checked`)?.value;
    if (!level) return [];
    const tags = [...fieldset.querySelectorAll(`input[name="tags-${event}"]:checked`)].map((input) => input.value);
    const comment = fieldset.querySelector('textarea').value.trim();
    const rating = { event, level, ...(tags.length ? { tags } : {}), ...(comment ? { comment } : {}) };
    const current = given.get(event);
    return current && !differs(rating, current) ? [] : [rating];
  });
}

async function load() {
  const res = await fetch(api, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    const { code, zh, en } = refusal(body, res.status);
    show('refused', zh, en);
    $('status').dataset.code = code ?? '';
    return;
  }
  $('application-no').textContent = body.applicationNo;
  $('item').replaceChildren(...both(body.item.name, body.item.nameEn));
  $('centre').textContent = body.centre.name;
  const changeable = body.changeable ?? [];
  given = new Map(changeable.map((rating) => [rating.event, rating]));
  // Every event in its order: those to rate, and those rated with the code that may still be changed.
  const shown = [...body.events, ...changeable.map((rating) => ({ ...rating, happened: true }))];
  const order = Object.keys(EVENTS);
  shown.sort((a, b) => order.indexOf(a.event) - order.indexOf(b.event));
  $('events').replaceChildren(...shown.map((event) => eventFieldset(event, body.levels, body.tags, given.get(event.event))));
  pending = body.events.filter((event) => !event.happened).map((event) => event.event);
  if (body.events.some((event) => event.happened)) show('ready', '请对本次服务作出评价。', 'Please rate the service you received.');
  else if (changeable.length > 0) show('ready', '您已评价，可在规定时间内修改评价。', 'You have rated this service: you may change your rating for a short while.');
  else show('ready', '该事项尚未办理，办理后即可评价。', 'Not served yet: you can rate it once it has been.');
  // Nothing to rate or change yet: the message alone.
  $('rating-form').hidden = !body.events.some((event) => event.happened) && changeable.length === 0;
}

async function submit(event) {
  event.preventDefault();
  const form = $('rating-form');
  const error = $('form-error');
  const ratings = chosen(form);
  if (ratings.length === 0) {
    if (given.size > 0) error.replaceChildren(...both('您未修改评价：请为未评价的事项选择满意程度，或修改已有的评价。', 'Nothing has changed: choose a level for an event, or change a rating.'));
    else error.replaceChildren(...both('请至少为一项选择满意程度。', 'Choose a level for at least one event.'));
    error.hidden = false;
    return;
  }
  error.hidden = true;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const res = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ ratings }) });
    const body = await res.json().catch(() => undefined);
    if (res.ok) {
      form.hidden = true;
      const later = pending.map((event) => EVENTS[event][0]).join('、');
      // 200: only changes of ratings given before; 201: something rated anew.
      const [zh, en] = res.status === 200 ? ['您的评价已修改，感谢您的反馈！', 'Your rating has been changed. Thank you.'] : ['感谢您的评价！', 'Thank you for your rating.'];
      if (later) show('done', `${zh}${later}后可再次扫码评价。`, `${en} Scan the code again to rate the rest once it has happened.`);
      else show('done', zh, en);
      return;
    }
    const { code, zh, en } = refusal(body, res.status);
    if (code === 'token_used' || code === 'token_expired' || code === 'unknown_token') {
      form.hidden = true;
      show('refused', zh, en);
      $('status').dataset.code = code;
      return;
    }
    error.replaceChildren(...both(zh, en));
    error.hidden = false;
  } catch {
    error.replaceChildren(...both('网络异常，请稍后再试。', 'The network failed: please try again.'));
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
}

$('rating-form').addEventListener('submit', submit);
load().catch(() => show('refused', '无法加载，请稍后再试。', 'The page could not load: please try again.'));
