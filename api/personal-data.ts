/**
 * The applicant's personal data as those who do not handle an application see it: ID numbers as lists
 * show them (4501**********1939), names to their first character (张**), phones to their first three and
 * last four digits, addresses to their first six characters, file names to their extension. One walk
 * over any JSON value, for what Temporal holds (the history route, the codec endpoint): wherever the
 * data sits in a workflow's input, an update's argument, an activity's input or a query's answer.
 */
import { maskIdNumber, maskNumbersIn } from './identity.js';

export const maskName = (name: string) => {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
};

export const maskPhone = (phone: string) => {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 7 ? '*'.repeat(digits.length) : `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
};

export const maskAddress = (address: string) => {
  const chars = [...address];
  return chars.length <= 6 ? '*'.repeat(chars.length) : `${chars.slice(0, 6).join('')}****`;
};

export const maskFileName = (fileName: string) => {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `***${fileName.slice(dot)}` : '***';
};

/** Fields that name a person or hold their contact details, by key, wherever they sit. */
const BY_KEY: Record<string, (value: string) => string> = {
  idNumber: maskIdNumber,
  recipient: maskName,
  phone: maskPhone,
  mobile: maskPhone,
  contactPhone: maskPhone,
  email: (email) => `${maskName(email.split('@')[0] ?? '')}@${email.split('@')[1] ?? ''}`,
  address: maskAddress,
  fileName: maskFileName,
  filename: maskFileName,
};

/** Objects whose `name` is a person's or an organisation's applying: the applicant, the contact, the agent. */
const NAMED = new Set(['applicant', 'contact', 'agent']);

export function maskPersonalData<T>(value: T): T {
  const walk = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string') {
      const mask = key === undefined ? undefined : BY_KEY[key];
      // Any other text (a note, a reason, an error's message) may quote a number: masked too.
      return mask ? mask(node) : maskNumbersIn(node);
    }
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => {
        if (NAMED.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
          const person = walk(v) as Record<string, unknown>;
          return [k, typeof person.name === 'string' ? { ...person, name: maskName(person.name) } : person];
        }
        return [k, walk(v, k)];
      }),
    );
  };
  return walk(value) as T;
}
