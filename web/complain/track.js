// The tracking page (/complain/track/<code>): the complaint's stage, when it was sent, accepted and
// closed, and once closed the outcome and the reply. The code is the last part of the address; the
// page is sent with no referrer and kept in no cache.

import { $, both, call, refusal, show } from './common.js';

const code = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');

const STAGES = {
  received: ['已收到，等待受理', 'Received, awaiting acceptance'],
  investigating: ['已受理，正在调查', 'Accepted, under investigation'],
  closed: ['已办结', 'Closed'],
};

const OUTCOMES = {
  substantiated: ['投诉属实，已依规处理', 'Substantiated: it has been dealt with'],
  unsubstantiated: ['经调查，投诉不属实', 'Not substantiated after investigation'],
  not_accepted: ['不予受理', 'Not accepted'],
};

const instant = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
const instantEn = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
const when = (at) => (at ? instant.format(new Date(at)) : '—');

async function load() {
  const { res, body } = await call(`/v1/public/complaints/${encodeURIComponent(code)}`);
  if (!res.ok) {
    const { code: refused, zh, en } = refusal(body, res.status);
    show('refused', zh, en, refused);
    return;
  }
  $('complaint-id').textContent = body.id;
  $('stage').replaceChildren(...both(...STAGES[body.stage]));
  $('stage').dataset.stage = body.stage;
  $('opened-at').textContent = when(body.openedAt);
  $('accepted-at').textContent = when(body.acceptedAt);
  $('closed-at').textContent = when(body.closedAt);
  if (body.outcome) {
    $('outcome').replaceChildren(...both(...OUTCOMES[body.outcome]));
    $('outcome').dataset.outcome = body.outcome;
  } else {
    $('outcome').replaceChildren(...both('处理中', 'Not decided yet'));
  }
  if (body.reply) {
    $('reply').textContent = body.reply.text;
    $('reply-at').replaceChildren(...both(`答复时间：${when(body.reply.at)}`, `Answered ${instantEn.format(new Date(body.reply.at))} (Beijing time)`));
    $('reply-section').hidden = false;
  }
  const [zh, en] = body.stage === 'closed' ? ['投诉已办结，答复见下方。', 'Your complaint is closed: the reply is below.'] : ['投诉正在处理中。', 'Your complaint is being handled.'];
  show(body.stage === 'closed' ? 'done' : 'ready', zh, en, '');
  $('complaint').hidden = false;
}

load().catch(() => show('refused', '无法加载，请稍后再试。', 'The page could not load: please try again.'));
