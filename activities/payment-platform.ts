/**
 * OneWindow's client for the region's non-tax payment platform (非税收入统一缴费平台): it issues a payment
 * notice (缴款通知书) for each fee and gets back the code the applicant pays with, cancels a notice no one
 * will pay, asks for refunds and reads the day's statement for reconciliation. The platform tells
 * OneWindow about payments and refunds itself, by signed callback (api/payment-signature.ts).
 *
 * Every call may be repeated: notices are keyed by noticeNo, refunds by refundNo. A refusal (a 4xx)
 * is a PaymentPlatformError, permanent for the caller; anything else (no answer, a 5xx, a time-out)
 * is an ordinary error, worth retrying.
 */

/** One fee of a notice (执收项目): its code in the region's catalogue of charges, and amount in fen. */
export interface NoticeLine {
  code: string;
  name: string;
  amountFen: number;
}

export interface NoticeRequest {
  noticeNo: string;
  applicationNo: string;
  payer: { name: string; idNumber: string };
  /** The sum of the lines. */
  amountFen: number;
  lines: NoticeLine[];
  /** ISO 8601: the last moment the notice may be paid. */
  dueAt: string;
}

export interface IssuedNotice {
  noticeNo: string;
  /** What the applicant pays with (缴款码), at a counter, online or at a bank. */
  paymentCode: string;
  amountFen: number;
  issuedAt: string;
}

export interface RefundRequest {
  refundNo: string;
  noticeNo: string;
  paymentId: string;
  amountFen: number;
  reason: string;
}

export interface StatementLine {
  kind: 'payment' | 'refund';
  /** The paymentId of a payment, the refundNo of a refund. */
  id: string;
  noticeNo: string;
  paymentCode: string;
  amountFen: number;
  at: string;
  /** A payment's electronic fiscal receipt (财政电子票据) number. */
  receiptNo?: string;
}

export interface PaymentPlatform {
  /** Idempotent on noticeNo: the same notice again gets the same payment code. */
  issueNotice(notice: NoticeRequest): Promise<IssuedNotice>;
  /** Idempotent; refused (`already_paid`) once the notice is paid. */
  cancelNotice(noticeNo: string): Promise<void>;
  /** Idempotent on refundNo. The refund itself is confirmed later, by callback. */
  requestRefund(refund: RefundRequest): Promise<{ refundNo: string; status: 'accepted' }>;
  /** The payments and refunds of one day in China (YYYY-MM-DD, Asia/Shanghai). */
  statement(date: string): Promise<StatementLine[]>;
}

/** The platform refused the request (a 4xx): asking again will not help. */
export class PaymentPlatformError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentPlatformError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function paymentPlatformClient(options: { url: string; timeoutMs?: number }): PaymentPlatform {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    if (response.status >= 500) throw new Error(`the payment platform answered ${response.status} to ${method} ${path}: ${text.slice(0, 200)}`);
    const error = refusalOf(text);
    throw new PaymentPlatformError(response.status, error.code ?? `http_${response.status}`, error.message ?? `${method} ${path} refused with ${response.status}`);
  }

  const encode = encodeURIComponent;
  return {
    issueNotice: (notice) => call<IssuedNotice>('POST', '/notices', notice),
    cancelNotice: async (noticeNo) => {
      await call('POST', `/notices/${encode(noticeNo)}/cancel`);
    },
    requestRefund: (refund) => call<{ refundNo: string; status: 'accepted' }>('POST', '/refunds', refund),
    statement: async (date) => (await call<{ lines: StatementLine[] }>('GET', `/statements/${encode(date)}`)).lines,
  };
}

/** The platform's `{"error":{"code","message"}}`, or nothing of it when a proxy answered instead. */
function refusalOf(text: string): { code?: string; message?: string } {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return {
      code: typeof error?.code === 'string' ? error.code : undefined,
      message: typeof error?.message === 'string' ? error.message : undefined,
    };
  } catch {
    return {};
  }
}
