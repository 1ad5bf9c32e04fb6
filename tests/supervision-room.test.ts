/**
 * The monitoring room's second round (issue 16) in a real browser (Debian's Chromium through
 * playwright-core) against the real stack: the day's table counts applications and uses its panel's
 * height, the statistics follow the centre selected on the map and can be limited to 承诺件, their
 * columns and labels stay in sight, and the regional centre's dot leaves Nanning's and its label free.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications, centres, events } from '../db/schema/index.js';
import { signIn } from './support/signin.js';
import { type Stack, startStack, supervisorOf } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A county of the test's own below Nanning, away from Nanning's dot. */
const COUNTY = '450198';

let stack: Stack;
let browser: Browser;

/** An application of the test's own at `centre`, with the events it wrote today and, when decided, its timing. */
async function insertApplication(centre: string, itemCode: string, types: string[], decided?: { statutory: number; working: number }) {
  const applicationNo = `${centre}-ROOM-${randomUUID().slice(0, 8)}`;
  // Up to 30 minutes ago, but never before today's Beijing midnight: in the day's first half hour the
  // events would otherwise fall on yesterday and the day's table count none (seen at 00:20 Beijing time).
  const now = Date.now();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
  const from = Math.max(now - 30 * 60_000, Date.parse(`${today}T00:00:00+08:00`) + 1_000);
  const at = (minutesAgo: number) => new Date(from + ((30 - minutesAgo) / 30) * (now - from)).toISOString();
  await stack.db.insert(applications).values({
    applicationNo,
    itemCode,
    itemVersion: 1,
    centreCode: centre,
    leadDepartment: itemCode.startsWith('housing-fund') ? 'housing_fund' : 'market_regulation',
    statutoryLimitDays: decided?.statutory ?? 5,
    promisedLimitDays: 1,
    stage: decided ? 'completed' : 'in_review',
    applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
    materials: [],
    submittedAt: at(30),
    acceptedAt: at(29),
    ...(decided ? { workingDaysTaken: decided.working, calendarDaysTaken: decided.working, onTime: true, withinStatutory: true, completedAt: at(1) } : {}),
  });
  if (types.length) {
    await stack.db.insert(events).values(types.map((type, i) => ({ applicationNo, seq: i + 1, type, at: at(20 - i), centreCode: centre, itemCode })));
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  stack = await startStack({ signIn: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  await stack.db
    .insert(centres)
    .values({ code: COUNTY, name: '测试监察室县政务服务中心', nameEn: 'Room test county', division: '测试', parentCode: '450100', level: 'county', longitude: 107.7, latitude: 23.4 })
    .onConflictDoNothing();
  // 企业开办 (company-startup, joint): one application approved by its three departments, one with two
  // approvals of three so far. Five department approvals; two applications, one of them decided.
  await insertApplication(COUNTY, 'company-startup', ['submitted', 'intake_accept', 'review_approved', 'review_approved', 'review_approved', 'decided', 'completed']);
  await insertApplication(COUNTY, 'company-startup', ['submitted', 'intake_accept', 'review_approved', 'review_approved']);
  // Decided applications for the statistics: a promised item (承诺件) and an immediate one (即办件) in
  // the county, and one at Liuzhou, outside Nanning.
  await insertApplication(COUNTY, 'food-business-licence', [], { statutory: 10, working: 3 });
  await insertApplication(COUNTY, 'housing-fund-rent-withdrawal', [], { statutory: 3, working: 0 });
  await insertApplication('450200', 'food-business-licence', [], { statutory: 10, working: 2 });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface ChartText extends Box {
  text: string;
}
/** What the tests read of the page's globals (the project's TypeScript has no DOM library). */
interface Zr {
  storage: { getDisplayList(update: boolean): { style?: { text?: unknown }; invisible?: boolean; getBoundingRect(): Box & { clone(): Box & { applyTransform(m: unknown): void } }; getComputedTransform(): unknown }[] };
}
interface PageChart {
  getZr(): Zr;
  getOption(): { series: { id: string; data: { code: string; symbolSize: number; symbolOffset?: number[] }[] }[] };
  convertToPixel(finder: object, value: number[]): number[];
  getModel(): { getComponent(type: string): { coordinateSystem: { getRect(): Box } } };
}
interface PageGlobals {
  __supervision: { chart: PageChart };
  echarts: { getInstanceByDom(node: unknown): PageChart };
  document: { getElementById(id: string): { clientHeight: number } };
}

/** Every text ECharts drew in a chart (`map` or the efficiency chart), with its box in the chart's pixels. */
function chartTexts(page: Page, chart: 'map' | 'efficiency-chart'): Promise<ChartText[]> {
  return page.evaluate((which) => {
    const g = globalThis as unknown as PageGlobals;
    const instance = which === 'map' ? g.__supervision.chart : g.echarts.getInstanceByDom(g.document.getElementById(which));
    const texts: ChartText[] = [];
    for (const el of instance.getZr().storage.getDisplayList(true)) {
      if (typeof el.style?.text !== 'string' || !el.style.text || el.invisible) continue;
      const box = el.getBoundingRect().clone();
      const transform = el.getComputedTransform();
      if (transform) box.applyTransform(transform);
      texts.push({ text: el.style.text, x: box.x, y: box.y, width: box.width, height: box.height });
    }
    return texts;
  }, chart);
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function openRoom(lang: 'zh' | 'en') {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, stack.baseUrl, supervisorOf(), '/supervision');
  if (lang === 'en') {
    await page.evaluate(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('onewindow.supervision.lang', 'en'));
    await page.reload();
  }
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { context, page, errors };
}

const efficiencyKeys = (page: Page) => page.locator('[data-testid="efficiency"] tbody tr[data-key]').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { key: string } }).dataset.key));
/** The efficiency table's cells of the row with `key`, as shown. */
const efficiencyRow = (page: Page, key: string) => page.locator(`[data-testid="efficiency"] tr[data-key="${key}"] td`).allTextContents();

/** Whether an element's content is wider than the element (its right columns scrolled out of sight). */
const overflowsWidth = (page: Page, selector: string) =>
  page.locator(selector).evaluate((node) => {
    const n = node as unknown as { scrollWidth: number; clientWidth: number };
    return n.scrollWidth > n.clientWidth + 1;
  });

describe('the monitoring room', () => {
  it('counts applications in the day’s table, decided once each, under headers that say so, in the panel’s height', { timeout: 90_000 }, async () => {
    const { context, page, errors } = await openRoom('zh');
    await page.selectOption('[data-testid="day-centre-select"]', COUNTY);
    const row = page.locator('[data-testid="day-row-company-startup"]');
    await row.waitFor({ timeout: 10_000 });
    const headers = await page.locator('#day-head th').allTextContents();
    expect(headers.map((h) => h.replace(/[ ▲▼]/g, ''))).toEqual(['事项', '部门', '咨询（人次）', '申请（件）', '受理（件）', '审结（件）', '办结（件）', '取件（件）', '黄牌（次）', '红牌（次）']);
    // Five department approvals, but two applications, one of them decided (and completed). Read once the
    // table is the county's: the city's, drawn first, has the same item's row, with other tests' applications.
    const counted = async () => {
      const cells = await row.locator('td').allTextContents();
      const cell = (header: string) => cells[headers.findIndex((h) => h.startsWith(header))];
      return [cell('申请'), cell('受理'), cell('审结'), cell('办结')];
    };
    await expect.poll(counted, { timeout: 10_000 }).toEqual(['2', '2', '1', '1']);
    expect(await page.locator('#day-head th[data-key="decided"]').getAttribute('title')).toContain('只算一件');

    // With no item chosen, the table has the panel's height (the applications below it a line), and all its columns.
    const [panel, wrap] = await Promise.all([page.locator('.panel-day').boundingBox(), page.locator('.day-table-wrap').boundingBox()]);
    expect(wrap!.height).toBeGreaterThan(panel!.height * 0.65);
    expect(await overflowsWidth(page, '.day-table-wrap')).toBe(false);
    // A row is one line high: a long item name is cut, whole in its title.
    const rowHeights = await page.locator('#day-body tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { offsetHeight: number }).offsetHeight));
    expect(Math.max(...rowHeights)).toBeLessThan(40);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the statistics of the centre selected on the map, of every item kind or of 承诺件 alone', { timeout: 90_000 }, async () => {
    const { context, page, errors } = await openRoom('zh');
    // The whole region at first: Liuzhou's decided application is there.
    await expect.poll(() => efficiencyKeys(page)).toContain('450200');
    expect(await page.locator('[data-testid="efficiency-centre"]').textContent()).toBe('广西壮族自治区');

    // A click on Nanning's dot selects Nanning (the regional centre's dot, at the same place, does not take it).
    const nanning = await page.evaluate(() => {
      const chart = (globalThis as unknown as PageGlobals).__supervision.chart;
      return chart.convertToPixel({ geoIndex: 0 }, [108.32, 22.824]);
    });
    const map = (await page.locator('[data-testid="map"]').boundingBox())!;
    await page.mouse.click(map.x + nanning[0], map.y + nanning[1]);
    await expect.poll(() => page.locator('[data-testid="efficiency-centre"]').textContent()).toBe('南宁市');
    await expect.poll(async () => (await efficiencyKeys(page)).every((key) => key.startsWith('4501'))).toBe(true);
    expect(await efficiencyKeys(page)).toContain(COUNTY);

    // The county: its two decided applications; of promised items, one (statutory 10, actual 3 working days).
    await page.selectOption('[data-testid="day-centre-select"]', COUNTY);
    await expect.poll(() => efficiencyKeys(page)).toEqual([COUNTY]);
    expect((await efficiencyRow(page, COUNTY)).slice(1, 4)).toEqual(['2', '6.50', '1.50']);
    await page.selectOption('[data-testid="efficiency-kind"]', 'promised');
    await expect.poll(async () => (await efficiencyRow(page, COUNTY)).slice(1, 4)).toEqual(['1', '10.00', '3.00']);
    // By item, of promised items: the immediate item is left out.
    await page.selectOption('[data-testid="efficiency-group"]', 'item');
    await expect.poll(() => efficiencyKeys(page)).toEqual(['food-business-licence']);
    await page.selectOption('[data-testid="efficiency-kind"]', { index: 0 });
    await expect.poll(() => efficiencyKeys(page)).toEqual(['food-business-licence', 'housing-fund-rent-withdrawal']);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const lang of ['zh', 'en'] as const) {
    it(`keeps the statistics’ columns and the chart’s labels in sight (${lang})`, { timeout: 90_000 }, async () => {
      const { context, page, errors } = await openRoom(lang);
      await expect.poll(() => efficiencyKeys(page)).toContain('450200');
      // Every column of the table fits its panel.
      expect(await overflowsWidth(page, '.efficiency-table-wrap')).toBe(false);
      // Measured in one step, once the table is drawn: a live reload may draw it again between two reads.
      const measure = () =>
        page.locator('[data-testid="efficiency"]').evaluate((node) => {
          type Boxed = { getBoundingClientRect(): { right: number; width: number } };
          const panel = node as unknown as Boxed & { querySelectorAll(s: string): ArrayLike<Boxed> };
          const headers = panel.querySelectorAll('thead th');
          const last = headers.length ? headers[headers.length - 1].getBoundingClientRect() : undefined;
          return last?.width ? { lastRight: last.right, panelRight: panel.getBoundingClientRect().right } : null;
        });
      await expect.poll(measure).not.toBeNull();
      const { lastRight, panelRight } = (await measure())!;
      expect(lastRight).toBeLessThanOrEqual(panelRight);

      // The unit on the y axis clears the legend, and the x axis's labels lie below the bars, inside the chart.
      const texts = await chartTexts(page, 'efficiency-chart');
      const unit = texts.find((t) => t.text === (lang === 'en' ? 'working days' : '工作日'))!;
      const legend = texts.filter((t) => [lang === 'en' ? 'Avg statutory limit' : '平均法定时限', lang === 'en' ? 'Avg actual time' : '平均实际用时'].includes(t.text));
      expect(unit).toBeDefined();
      expect(legend).toHaveLength(2);
      for (const entry of legend) expect(overlap(unit, entry), entry.text).toBe(false);
      expect(unit.x).toBeGreaterThanOrEqual(0);
      const { grid, height } = await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        const chart = g.echarts.getInstanceByDom(g.document.getElementById('efficiency-chart'));
        return { grid: chart.getModel().getComponent('grid').coordinateSystem.getRect(), height: g.document.getElementById('efficiency-chart').clientHeight };
      });
      const keys = await efficiencyKeys(page);
      const labels = texts.filter((t) => t.y >= grid.y + grid.height - 1 && t.x > 0);
      expect(labels.length).toBeGreaterThanOrEqual(Math.min(keys.length, 10));
      for (const label of labels) expect(label.y + label.height, label.text).toBeLessThanOrEqual(height);
      // No bar's category label is drawn over the plot.
      expect(texts.filter((t) => t.y < grid.y + grid.height - 1 && t.x > grid.x && !legend.includes(t))).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('draws the regional centre’s dot beside Nanning’s, with both names in sight', { timeout: 90_000 }, async () => {
    const { context, page, errors } = await openRoom('zh');
    const dots = await page.evaluate(() => {
      const chart = (globalThis as unknown as PageGlobals).__supervision.chart;
      const data = chart.getOption().series.flatMap((s) => s.data);
      const at = (code: string) => {
        const d = data.find((x) => x.code === code)!;
        const [x, y] = chart.convertToPixel({ geoIndex: 0 }, [108.32, 22.824]);
        const [dx, dy] = d.symbolOffset ?? [0, 0];
        return { x: x + dx, y: y + dy, size: d.symbolSize };
      };
      return { region: at('450000'), nanning: at('450100') };
    });
    // The two dots apart (they share one coordinate).
    expect(Math.hypot(dots.region.x - dots.nanning.x, dots.region.y - dots.nanning.y)).toBeGreaterThan((dots.region.size + dots.nanning.size) / 2);
    // Both labelled, and neither label under the other centre's dot or the other label.
    const texts = await chartTexts(page, 'map');
    const nanningLabel = texts.find((t) => t.text === '南宁市')!;
    const regionLabel = texts.find((t) => t.text === '广西壮族自治区')!;
    expect(nanningLabel).toBeDefined();
    expect(regionLabel).toBeDefined();
    const dotBox = (d: { x: number; y: number; size: number }) => ({ x: d.x - d.size / 2, y: d.y - d.size / 2, width: d.size, height: d.size });
    expect(overlap(nanningLabel, dotBox(dots.region))).toBe(false);
    expect(overlap(regionLabel, dotBox(dots.nanning))).toBe(false);
    expect(overlap(nanningLabel, regionLabel)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
