/**
 * What each document says (issue 15), from the fields kept with it (db/documents.ts): the addressee,
 * the body's paragraphs and lists. The layout is pdf.ts's. Dates are printed as days (YYYY年M月D日);
 * a limit's day is its last working day, never the instant after it.
 */
import type { DecisionLine, DocumentFields, RatingCode } from '../../db/documents.js';
import type { RatedEvent } from '../../workflows/rules/ratings.js';

/** 2026-12-04 → 2026年12月4日. */
export function chineseDate(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return `${year}年${month}月${date}日`;
}

export type Block = { paragraph: string } | { list: string[] };

const addressed = (f: DocumentFields) => `${f.applicant.name}：`;

/** 你（单位）于…提出的「…」申请（申请编号：…） */
const application = (f: DocumentFields) =>
  `你${f.applicant.type === 'organisation' ? '单位' : ''}于${chineseDate(f.submittedOn)}提出的“${f.item.name}”申请（申请编号：${f.applicationNo}）`;

const REMEDY = '如对本决定不服，可以自收到本文书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。';

const STATUS: Record<DecisionLine['status'], string> = { approved: '准予', rejected: '不予许可', withdrawn: '审查终止', open: '未决定' };

function decisionLines(decisions: DecisionLine[]): string[] {
  return decisions.map((d) => {
    const parts = [`${d.department.name}：${STATUS[d.status]}${d.decidedOn ? `（${chineseDate(d.decidedOn)}）` : ''}`];
    if (d.status !== 'withdrawn' && d.reason) parts.push(`意见：${d.reason}`);
    if (d.conditions) parts.push(`附条件：${d.conditions}`);
    return parts.join('；');
  });
}

/** The addressee and the body of a document. */
export function documentBody(f: DocumentFields): { addressee: string; blocks: Block[] } {
  const addressee = addressed(f);
  switch (f.kind) {
    case 'supplement_notice':
      return {
        addressee,
        blocks: [
          {
            paragraph: `${application(f)}，经审查，申请材料不齐全或者不符合法定形式。依据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部材料如下：`,
          },
          { list: f.missingMaterials.map((m, i) => `${i + 1}. ${m}`) },
          ...(f.reason ? [{ paragraph: `说明：${f.reason}` }] : []),
          { paragraph: `请补齐上述全部材料后提交至${f.centre.name}${f.department.name}窗口，本机关收到后重新审查。` },
        ],
      };
    case 'acceptance_notice':
      return {
        addressee,
        blocks: [
          {
            paragraph: `${application(f)}，经审查，申请材料齐全、符合法定形式。依据《中华人民共和国行政许可法》第三十二条，本机关于${chineseDate(f.acceptedOn)}决定予以受理。`,
          },
          {
            paragraph:
              `本事项承诺办结时限为${f.promisedLimitDays}个工作日，承诺办结日期为${chineseDate(f.promisedLastDay)}；` +
              `法定办结时限为${f.statutoryLimitDays}个工作日，法定办结日期为${chineseDate(f.statutoryLastDay)}。` +
              '需要补正材料，或者依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审的，所需时间不计算在期限内。' +
              (f.provisional ? '办结日期晚于已公布的节假日安排，如有调整以届时公布为准。' : ''),
          },
        ],
      };
    case 'non_acceptance_notice':
      return {
        addressee,
        blocks: [{ paragraph: `${application(f)}，经审查，本机关决定不予受理。理由如下：` }, { paragraph: f.reason }, { paragraph: REMEDY }],
      };
    case 'approval_decision': {
      const conditions = f.decisions.filter((d) => d.conditions);
      return {
        addressee,
        blocks: [
          {
            paragraph:
              `${application(f)}，本机关${f.acceptedOn ? `于${chineseDate(f.acceptedOn)}` : ''}受理。经审查，申请符合法定条件、标准，` +
              `依据《中华人民共和国行政许可法》第三十八条第一款，决定准予行政许可。`,
          },
          { paragraph: `许可证编号：${f.licenceNo}` },
          { paragraph: '各部门审查意见：' },
          { list: decisionLines(f.decisions) },
          ...(conditions.length > 0
            ? [{ paragraph: '本许可附下列条件，请遵照执行：' }, { list: conditions.map((d, i) => `${i + 1}. ${d.conditions}（${d.department.name}）`) }]
            : []),
          { paragraph: `请持本决定书到${f.centre.name}${f.department.name}窗口领取许可证件。` },
        ],
      };
    }
    case 'rejection_decision':
      return {
        addressee,
        blocks: [
          {
            paragraph:
              `${application(f)}，本机关${f.acceptedOn ? `于${chineseDate(f.acceptedOn)}` : ''}受理。经审查，申请不符合法定条件、标准，` +
              `依据《中华人民共和国行政许可法》第三十八条第二款，决定不予行政许可。理由：${f.reason}（${f.rejectedBy.name}）`,
          },
          { paragraph: '各部门审查意见：' },
          { list: decisionLines(f.decisions) },
          { paragraph: REMEDY },
        ],
      };
  }
}

const EVENT_NAMES: Record<RatedEvent, string> = { consultation: '咨询', intake: '受理', decision: '办结', pickup: '取件' };

/** What the rating code's block says beside the QR code: a heading, then its lines. */
export function ratingCodeLines(code: RatingCode): string[] {
  const events = code.events.map((e) => EVENT_NAMES[e]).join('、');
  return [
    '政务服务好差评',
    `请用手机扫描左侧二维码，对本件的${events}服务作出评价，无需登录。`,
    ...(code.events.includes('pickup') ? ['取件服务可在取件后再次扫码评价。'] : []),
    `每项服务只能评价一次，本评价码有效期至${chineseDate(code.expiresOn)}。`,
  ];
}
