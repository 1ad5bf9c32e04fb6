/**
 * Validation messages in Chinese, for the administration page and any client whose Accept-Language
 * puts Chinese first: the error handler adds `messageZh` beside each detail's English `message`. The
 * English messages stay the API's contract; this maps the common zod issues by their code and the
 * rules' own messages (the item rules, the calendar's, the organisation's) by their wording.
 */
import type { FastifyRequest } from 'fastify';

/** True when the caller asks for Chinese first (Accept-Language: zh-CN, zh;q=0.9, …). */
export const wantsChinese = (request: FastifyRequest) => /^\s*zh\b/i.test(String(request.headers['accept-language'] ?? ''));

const KIND_ZH: Record<string, string> = { immediate: '即办件', promised: '承诺件', joint: '联办件', reported: '上报件' };
const LEVEL_ZH: Record<string, string> = { region: '自治区', city: '市', county: '县（区）' };
const levelZh = (text: string) => text.split(' or ').map((l) => LEVEL_ZH[l] ?? l).join('或');

/** The rules' own messages (custom zod issues and the routes' refusals), English pattern → Chinese. */
const RULES: [RegExp, (...groups: string[]) => string][] = [
  [/^must not exceed statutoryLimitDays \((\d+)\)$/, (n) => `承诺办结时限不能超过法定办结时限（${n}个工作日）`],
  [/^an immediate item \(即办件\) is decided the same day: must be 0$/, () => '即办件当场办结，承诺办结时限须为0'],
  [/^a (\w+) item has one step reviewed by its own department (\S+)$/, (kind, d) => `${KIND_ZH[kind] ?? kind}只有一个审查环节，由本部门（${d}）审查`],
  [/^the lead department (\S+) must review in the first step$/, (d) => `牵头部门（${d}）须参加第一个审查环节`],
  [/^a reported item \(上报件\) is taken in below the regional centre$/, () => '上报件由自治区以下的中心受理，不能选择自治区级'],
  [/^(\S+) appears twice in this step$/, (d) => `${d}在本环节中出现了两次`],
  [/^must not exceed the item's promisedLimitDays \((\d+)\)$/, (n) => `不能超过事项的承诺办结时限（${n}个工作日）`],
  [/^the steps' limits add up to (\d+) days, more than promisedLimitDays \((\d+)\)$/, (t, n) => `各审查环节时限合计${t}个工作日，超过承诺办结时限（${n}个工作日）`],
  [/^unknown department (\S+)$/, (d) => `未知部门：${d}`],
  [/^unknown (centre|window|item|consultation) (\S+)$/, (what, v) => `未知${{ centre: '中心', window: '窗口', item: '事项', consultation: '咨询' }[what]}：${v}`],
  [/^must be lower-case words joined by hyphens$/, () => '须为小写英文单词或数字，用连字符“-”连接'],
  [/^must be lower-case words joined by underscores$/, () => '须为小写英文单词或数字，用下划线“_”连接'],
  [/^must be a 6-digit GB\/T 2260 code$/, () => '须为6位行政区划代码（GB/T 2260）'],
  [/^must equal the (?:code|id) in the path \((.+)\)$/, (v) => `须与地址中的编码一致（${v}）`],
  [/^a local item of (\w+) centre (\d+) is not taken in at a (.+) centre$/, (_l, c, levels) => `本中心（${c}）的本级事项不能在${levelZh(levels)}级中心受理`],
  [/^a centre under (\d+) has a code starting with (\d+)$/, (_p, prefix) => `下级中心的编码须以${prefix}开头`],
  [/^a centre under (\w+) centre (\d+) is at a level below it \((.+)\)$/, (_l, c, levels) => `${c}的下级中心须为${levelZh(levels)}级`],
  [/^(\w+) centre (\d+) has no centres below it$/, (_l, c) => `${c}没有下级中心`],
  [/^may not contain ":": /, () => '不能含有“:”：调用者以 officer:<编号> 或 integrator:<密钥编号> 区分，工作人员编号不能像另一类调用者'],
  [/^must be an rtsp:\/\/ or rtsps:\/\/ URL$/, () => '须为 rtsp:// 或 rtsps:// 开头的地址'],
  [/^a GB\/T 28181 id is 20 digits$/, () => '国标（GB/T 28181）编码须为20位数字'],
  [/^letters, digits, \. _ - \(at most 64\)$/, () => '只能使用字母、数字和 . _ -，最多64个字符'],
  [/^no window (\S+)$/, (w) => `没有窗口：${w}`],
  [/^Camera (\S+) is already registered$/, (c) => `摄像机 ${c} 已经登记`],
  [/^names a day more than once$/, () => '同一天出现了两次'],
  [/^names a day that daysOff names too$/, () => '与放假日期重复'],
  [/^(\S+) is not in (\d+)$/, (d, y) => `${d}不在${y}年内`],
  [/^(\S+) is a (\w+day): only a weekend day can be made a working day$/, (d) => `${d}不是周末：只有周末可以调为工作日`],
  [/^contains a NUL character$/, () => '含有不允许的空字符'],
  [/^is invalid$/, () => '无效'],
];

interface ZodIssueParams {
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  expected?: string;
  values?: unknown[];
  format?: string;
}

/** The Chinese for a standard zod issue, by its code (fastify-type-provider-zod's `keyword`). */
function zodIssueZh(code: string, params: ZodIssueParams, message: string): string | undefined {
  const { origin, minimum, maximum } = params;
  switch (code) {
    case 'too_small':
      if (origin === 'string') return Number(minimum) <= 1 ? '必填' : `至少${minimum}个字`;
      if (origin === 'array' || origin === 'set') return `至少${minimum}项`;
      return `不能小于${minimum}`;
    case 'too_big':
      if (origin === 'string') return `最多${maximum}个字`;
      if (origin === 'array' || origin === 'set') return `最多${maximum}项`;
      return `不能大于${maximum}`;
    case 'invalid_type':
      if (/received undefined/.test(message)) return '必填';
      return { number: '须为数字', string: '须为文字', boolean: '须为是或否', array: '须为列表', object: '格式不对' }[params.expected ?? ''] ?? '类型不对';
    case 'not_multiple_of':
      return params.expected === 'int' ? '须为整数' : '数值不对';
    case 'invalid_value':
      return '不是可选的值';
    case 'invalid_format':
      return params.format === 'date' ? '须为日期（年-月-日）' : '格式不对';
    case 'unrecognized_keys':
      return '含有不认识的字段';
    case 'invalid_union':
      return '格式不对';
    default:
      return undefined;
  }
}

/** The Chinese of one problem: a rule's message by its wording, else a zod issue by its code. */
export function chineseMessage(message: string, issue?: { keyword?: string; params?: Record<string, unknown> }): string | undefined {
  for (const [pattern, zh] of RULES) {
    const match = pattern.exec(message);
    if (match) return zh(...match.slice(1));
  }
  // An integer field given a fraction: zod 4 reports it as invalid_type with expected "int".
  if (issue?.keyword === 'invalid_type' && issue.params?.expected === 'int') return '须为整数';
  return issue?.keyword ? zodIssueZh(issue.keyword, (issue.params ?? {}) as ZodIssueParams, message) : undefined;
}
