/**
 * The audit log's Merkle tree (db/merkle.ts) against Certificate Transparency's reference vectors (the
 * RFC 6962 tree of certificate-transparency's and transparency-dev/merkle's test data), and every proof
 * of every pair of sizes up to 64 both ways: it verifies, and a changed leaf or path does not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, TreeHead, consistencyProof, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../db/merkle.js';

const hex = (b: Buffer) => b.toString('hex');
const unhex = (h: string) => Buffer.from(h, 'hex');

const CT_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_LEAVES = CT_DATA.map(leafHash);
/** The tree heads of the first n leaves, n = 0..8. */
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION = [
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const CT_CONSISTENCY = [
  {
    from: 2,
    size: 8,
    proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  },
  {
    from: 6,
    size: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const N = 64;
const LEAVES = Array.from({ length: N }, (_, i) => leafHash(Buffer.from(`row ${i}`)));
const ROOTS = Array.from({ length: N + 1 }, (_, n) => rootOf(LEAVES.slice(0, n)));
const flip = (h: Buffer) => Buffer.from(h.map((b, i) => (i === 7 ? b ^ 1 : b)));

describe('the Merkle tree of RFC 9162', () => {
  it("gives Certificate Transparency's tree heads, inclusion paths and consistency proofs", () => {
    for (let n = 0; n <= 8; n++) expect(hex(rootOf(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n]);
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
    for (const v of CT_INCLUSION) {
      expect(inclusionProof(CT_LEAVES, v.index, v.size).map(hex)).toEqual(v.path);
      expect(verifyInclusion(CT_LEAVES[v.index], v.index, v.size, v.path.map(unhex), unhex(CT_ROOTS[v.size]))).toBe(true);
    }
    for (const v of CT_CONSISTENCY) {
      expect(consistencyProof(CT_LEAVES, v.from, v.size).map(hex)).toEqual(v.proof);
      expect(verifyConsistency(v.from, v.size, unhex(CT_ROOTS[v.from]), unhex(CT_ROOTS[v.size]), v.proof.map(unhex))).toBe(true);
    }
  });

  it('keeps the head of every prefix in one pass, as verification reads the log', () => {
    const head = new TreeHead();
    expect(head.root()).toEqual(ROOTS[0]);
    LEAVES.forEach((leaf, i) => {
      head.push(leaf);
      expect(head.root(), `size ${i + 1}`).toEqual(ROOTS[i + 1]);
    });
  });

  it('proves every leaf of every tree up to 64, and a changed leaf, path or root fails', () => {
    for (let n = 1; n <= N; n++) {
      for (let i = 0; i < n; i++) {
        const path = inclusionProof(LEAVES, i, n);
        expect(verifyInclusion(LEAVES[i], i, n, path, ROOTS[n]), `${i} of ${n}`).toBe(true);
        expect(verifyInclusion(flip(LEAVES[i]), i, n, path, ROOTS[n])).toBe(false);
        expect(verifyInclusion(LEAVES[i], i, n, path, ROOTS[n - 1])).toBe(false);
        if (path.length > 0) {
          expect(verifyInclusion(LEAVES[i], i, n, [...path.slice(0, -1), flip(path.at(-1)!)], ROOTS[n])).toBe(false);
          expect(verifyInclusion(LEAVES[i], i, n, path.slice(0, -1), ROOTS[n])).toBe(false);
        }
        expect(verifyInclusion(LEAVES[i], i, n, [...path, LEAVES[0]], ROOTS[n])).toBe(false);
      }
    }
  });

  it('proves every tree up to 64 extends each smaller one, and not after a leaf of the smaller one changed', () => {
    for (let n = 0; n <= N; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(LEAVES, m, n);
        expect(verifyConsistency(m, n, ROOTS[m], ROOTS[n], proof), `${m} to ${n}`).toBe(true);
        if (m === 0) continue;
        // The smaller tree as it was signed, against a larger one whose leaf m-1 was rewritten.
        const rewritten = LEAVES.slice(0, n).map((leaf, i) => (i === m - 1 ? flip(leaf) : leaf));
        expect(verifyConsistency(m, n, ROOTS[m], rootOf(rewritten), consistencyProof(rewritten, m, n))).toBe(false);
        if (proof.length > 0) expect(verifyConsistency(m, n, ROOTS[m], ROOTS[n], [flip(proof[0]), ...proof.slice(1)])).toBe(false);
      }
    }
  });

  it('refuses proofs for any leaf of any other tree (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: N }), fc.nat(), fc.nat(), (n, a, b) => {
        const i = a % n;
        const j = b % n;
        const path = inclusionProof(LEAVES, i, n);
        // Another index's path proves nothing about this leaf, unless it is the same leaf.
        return verifyInclusion(LEAVES[i], j, n, path, ROOTS[n]) === (i === j);
      }),
    );
  });
});
