/**
 * Examples for /docs of the working-day calendar (api/routes/calendar.ts): 2026's national holidays,
 * Guangxi's 壮族三月三 (17–20 April 2026) and a limit that runs across it at Nanning's centre.
 */
import type { RouteExamples } from '../openapi.js';

const NATIONAL_SOURCE = '国务院办公厅关于2026年部分节假日安排的通知';
const ZHUANG_SOURCE = '广西壮族自治区人民政府办公厅关于2026年广西三月三放假的通知（4月17日至20日放假，其中17日、20日为补休）';

export const dueExamples: RouteExamples = {
  querystring: {
    acrossFestival: {
      summary: '5 working days from an acceptance on 15 April 2026 at 10:30, at Nanning’s centre (承诺5个工作日)',
      value: { from: '2026-04-15T10:30:00+08:00', workingDays: 5, centre: '450100' },
    },
  },
  responses: {
    200: {
      due: {
        summary: 'The day of acceptance does not count, nor 壮族三月三 (17–20 April) and the weekend: the limit ends with 24 April',
        value: {
          from: '2026-04-15T02:30:00.000Z',
          workingDays: 5,
          centre: '450100',
          lastWorkingDay: '2026-04-24',
          due: '2026-04-24T16:00:00.000Z',
          provisional: false,
        },
      },
    },
  },
};

export const calendarExamples: RouteExamples = {
  querystring: { nanning: { summary: 'Every day that counts at Nanning’s centre (南宁市适用的节假日)', value: { centre: '450100' } } },
  responses: {
    200: {
      year: {
        summary: '2026 at Nanning’s centre (shortened): national days, and Guangxi’s own',
        value: {
          year: 2026,
          published: true,
          days: [
            { scope: 'CN', day: '2026-02-14', kind: 'working_day', name: '春节调休', source: NATIONAL_SOURCE },
            { scope: 'CN', day: '2026-02-17', kind: 'day_off', name: '春节', source: NATIONAL_SOURCE },
            { scope: '450000', day: '2026-04-17', kind: 'day_off', name: '壮族三月三补休', source: ZHUANG_SOURCE },
            { scope: '450000', day: '2026-04-20', kind: 'day_off', name: '壮族三月三补休', source: ZHUANG_SOURCE },
          ],
          regionalNotices: [{ region: '450000', source: ZHUANG_SOURCE, loadedAt: '2026-02-27T03:12:40.000Z' }],
        },
      },
    },
  },
};

export const nationalYearExamples: RouteExamples = {
  body: {
    notice2026: {
      summary: 'The State Council’s notice for 2026 (国务院节假日安排通知; shortened to New Year and the Spring Festival)',
      value: {
        source: NATIONAL_SOURCE,
        daysOff: [
          { date: '2026-01-01', name: '元旦' },
          { date: '2026-01-02', name: '元旦' },
          { date: '2026-01-03', name: '元旦' },
          ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => ({ date: `2026-02-${d}`, name: '春节' })),
        ],
        workingWeekends: [
          { date: '2026-01-04', name: '元旦调休' },
          { date: '2026-02-14', name: '春节调休' },
          { date: '2026-02-28', name: '春节调休' },
        ],
      },
    },
  },
  responses: { 200: { loaded: { summary: 'Loaded; three applications with provisional due dates compute them again', value: { year: 2026, daysOff: 12, workingWeekends: 3, recalculated: 3 } } } },
};

export const regionalNoticeExamples: RouteExamples = {
  body: {
    zhuang2026: {
      summary: 'Guangxi’s 壮族三月三 of 2026: four days off, two of them in lieu (补休)',
      value: {
        source: ZHUANG_SOURCE,
        daysOff: [
          { date: '2026-04-17', name: '壮族三月三补休' },
          { date: '2026-04-18', name: '壮族三月三' },
          { date: '2026-04-19', name: '壮族三月三' },
          { date: '2026-04-20', name: '壮族三月三补休' },
        ],
      },
    },
  },
  responses: {
    200: { loaded: { summary: 'Loaded; the region’s applications in review whose clocks reach into 2026 compute their due dates again', value: { region: '450000', year: 2026, daysOff: 4, workingWeekends: 0, recalculated: 118 } } },
  },
};

export const daysOffExamples: RouteExamples = {
  body: {
    typhoon: {
      summary: 'A day off of Nanning’s centres for a typhoon (台风停工停课)',
      value: { source: '南宁市人民政府关于台风期间停工停课的通知', days: [{ date: '2026-09-08', name: '台风停工' }] },
    },
  },
  responses: { 200: { added: { summary: 'Added for Nanning and the centres below it', value: { centre: '450100', added: 1, recalculated: 27 } } } },
};
