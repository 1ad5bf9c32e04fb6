/**
 * The Merkle tree of Certificate Transparency (RFC 9162 §2.1, the same as RFC 6962 §2.1): the tree head
 * over the first n leaves, inclusion and consistency proofs, and the auditor's checks of both. Leaves
 * and nodes are 32-byte SHA-256 hashes; proofs are lists of them, in the RFC's order.
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

/** MTH({}): the hash of nothing. */
export const EMPTY_ROOT: Hash = sha256();
/** MTH({d}) = SHA-256(0x00 || d): the prefix keeps a leaf from passing for a node (second preimages). */
export const leafHash = (data: Uint8Array): Hash => sha256(LEAF, data);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);

/** The largest power of two smaller than n (n > 1): where the RFC splits a tree of n leaves. */
const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
/** Both indices one level up (plain division: a log may outgrow 32-bit shifts). */
const up = (fn: number, sn: number): [number, number] => [Math.floor(fn / 2), Math.floor(sn / 2)];

/** MTH(D[n]) over leaf hashes. */
export function rootOf(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(rootOf(leaves.slice(0, k)), rootOf(leaves.slice(k)));
}

/** PATH(m, D[n]) of §2.1.3.1: the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(leaves: readonly Hash[], index: number, size = leaves.length): Hash[] {
  if (!(size <= leaves.length && index >= 0 && index < size)) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const path = (m: number, d: readonly Hash[]): Hash[] => {
    if (d.length === 1) return [];
    const k = split(d.length);
    return m < k ? [...path(m, d.slice(0, k)), rootOf(d.slice(k))] : [...path(m - k, d.slice(k)), rootOf(d.slice(0, k))];
  };
  return path(index, leaves.slice(0, size));
}

/** PROOF(m, D[n]) of §2.1.4.1: that the tree of `size` leaves extends the tree of its first `from`. */
export function consistencyProof(leaves: readonly Hash[], from: number, size = leaves.length): Hash[] {
  if (!(size <= leaves.length && from >= 0 && from <= size)) throw new RangeError(`no consistency proof from ${from} to ${size}`);
  if (from === 0) return [];
  const subproof = (m: number, d: readonly Hash[], whole: boolean): Hash[] => {
    if (m === d.length) return whole ? [] : [rootOf(d)];
    const k = split(d.length);
    return m <= k ? [...subproof(m, d.slice(0, k), whole), rootOf(d.slice(k))] : [...subproof(m - k, d.slice(k), false), rootOf(d.slice(0, k))];
  };
  return subproof(from, leaves.slice(0, size), true);
}

const isHash = (h: unknown): h is Hash => Buffer.isBuffer(h) && h.length === 32;

/** §2.1.3.2: does `proof` lead from the leaf at `index` to `root`, the head of a tree of `size`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash) || !(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // A right edge of a smaller subtree: climb past the levels where this node has no sibling.
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = up(fn, sn);
    } else r = nodeHash(r, p);
    [fn, sn] = up(fn, sn);
  }
  return sn === 0 && r.equals(root);
}

/** §2.1.4.2: does `proof` show that the tree (`size`, `root`) extends the tree (`from`, `fromRoot`)? */
export function verifyConsistency(from: number, size: number, fromRoot: Hash, root: Hash, proof: readonly Hash[]): boolean {
  if (!isHash(fromRoot) || !isHash(root) || !proof.every(isHash) || !(from >= 0 && from <= size)) return false;
  if (from === size) return proof.length === 0 && fromRoot.equals(root);
  if (from === 0) return proof.length === 0 && fromRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  // The old tree is a complete subtree of the new one: its head is the proof's implied first node.
  const path = Number.isInteger(Math.log2(from)) ? [fromRoot, ...proof] : [...proof];
  let fn = from - 1;
  let sn = size - 1;
  while (fn % 2 === 1) [fn, sn] = up(fn, sn);
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = up(fn, sn);
    } else sr = nodeHash(sr, c);
    [fn, sn] = up(fn, sn);
  }
  return sn === 0 && fr.equals(fromRoot) && sr.equals(root);
}

/**
 * The tree head after each leaf, in one pass: the stack of complete subtrees (sizes the binary digits
 * of n, largest first) folded from the right is MTH(D[n]). Verification reads the log once and checks
 * every checkpoint's head on the way, instead of rebuilding the tree for each.
 */
export class TreeHead {
  private readonly stack: Array<{ size: number; hash: Hash }> = [];
  size = 0;

  push(leaf: Hash): void {
    let node = { size: 1, hash: leaf };
    while (this.stack.length > 0 && this.stack.at(-1)!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  /** The complete subtrees' hashes, largest first: with the size, all it takes to go on (a compact range). */
  get frontier(): Hash[] {
    return this.stack.map((node) => node.hash);
  }

  /** The tree head of `size` leaves resumed from its frontier, as a checkpoint keeps it, to push the next leaves onto. */
  static resume(size: number, frontier: readonly Hash[]): TreeHead {
    const sizes = [...size.toString(2)].flatMap((bit, i, bits) => (bit === '1' ? [2 ** (bits.length - 1 - i)] : []));
    if (sizes.length !== frontier.length || !frontier.every(isHash)) throw new RangeError(`a tree of ${size} leaves has ${sizes.length} complete subtrees, not ${frontier.length}`);
    const head = new TreeHead();
    head.stack.push(...sizes.map((n, i) => ({ size: n, hash: frontier[i] })));
    head.size = size;
    return head;
  }

  root(): Hash {
    if (this.stack.length === 0) return EMPTY_ROOT;
    return this.stack.slice(0, -1).reduceRight((right, left) => nodeHash(left.hash, right), this.stack.at(-1)!.hash);
  }
}
