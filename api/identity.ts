/**
 * Applicants' identity numbers: the resident ID number (居民身份证号, GB 11643: 17 digits and a check
 * character over ISO 7064 MOD 11-2) and the unified social credit code (统一社会信用代码, GB 32100:
 * 17 characters and a check character over MOD 31). Both are checked on input and masked in lists.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function residentIdCheck(first17: string): string {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * ID_WEIGHTS[i], 0);
  return ID_CHECK[sum % 11];
}

export function isResidentId(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value)) return false;
  const birth = value.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth) return false;
  return residentIdCheck(value.slice(0, 17)) === value[17];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheck(first17: string): string {
  const sum = [...first17].reduce((total, char, i) => total + USCC_CHARS.indexOf(char) * USCC_WEIGHTS[i], 0);
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

export function isCreditCode(value: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return false;
  return creditCodeCheck(value.slice(0, 17)) === value[17];
}

/**
 * An 18-character 居民身份证号 or 统一社会信用代码 within a text: letters and digits, at least one digit;
 * in either case, for a number typed with a small x or a credit code in small letters is still one.
 */
const NUMBER_IN_TEXT = /(?<![0-9A-Z])(?=[0-9A-Z]*\d)([0-9A-Z]{4})[0-9A-Z]{10}([0-9A-Z]{4})(?![0-9A-Z])/gi;

/** Masks every ID number and credit code within a text as maskIdNumber does (log lines, free text). */
export const maskNumbersIn = (text: string) => text.replace(NUMBER_IN_TEXT, '$1**********$2');

/** Shown outside the application's own handling: the first four and last four characters. */
export const maskIdNumber = (value: string) => (value.length <= 8 ? '*'.repeat(value.length) : `${value.slice(0, 4)}${'*'.repeat(value.length - 8)}${value.slice(-4)}`);
