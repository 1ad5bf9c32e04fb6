// The page's fixed settings: marker colours, the region's code, the time zone, the storage key; and ECharts.
// It imports nothing, so these are set before any other module reads them while the modules load.

// ECharts is loaded before the page's modules as the global `echarts`.
export const echarts = globalThis.echarts;

export const COLOURS = { green: '#2e7d32', yellow: '#f9a825', red: '#c62828' };
export const REGION = '450000';
export const TZ = 'Asia/Shanghai';
export const LANG_KEY = 'onewindow.supervision.lang';
