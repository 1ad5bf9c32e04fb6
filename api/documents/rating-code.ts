/**
 * The rating code (好差评) a notice or decision prints: a QR code, drawn as vector squares so it stays
 * sharp at any print resolution, with its URL in small type under it and a line beside it saying what
 * it rates. The QR code is the `qrcode` package's (error correction M: a creased or smudged notice
 * still scans).
 */
import QRCode from 'qrcode';
import type { RatingCode } from '../../db/documents.js';
import { ratingCodeLines } from './text.js';

/** A module's side in points: 2.4 pt (0.85 mm) makes a 37-module code about 31 mm wide, easy for a phone. */
const MODULE = 2.4;
const URL_SIZE = 7;

/** The QR code's side in points for this code. */
const sideOf = (code: RatingCode) => QRCode.create(code.url, { errorCorrectionLevel: 'M' }).modules.size * MODULE;

/** The height the block takes: the QR code and the URL under it. */
export const ratingCodeHeight = (code: RatingCode) => sideOf(code) + 6 + URL_SIZE * 2;

/** Draws the block at (x, y) within `width`, in the document's regular font. */
export function drawRatingCode(doc: PDFKit.PDFDocument, code: RatingCode, at: { x: number; y: number; width: number }) {
  const { modules } = QRCode.create(code.url, { errorCorrectionLevel: 'M' });
  const side = modules.size * MODULE;
  // One rectangle per run of dark modules in a row: fewer seams where a viewer anti-aliases the edges.
  for (let row = 0; row < modules.size; row += 1) {
    for (let col = 0; col < modules.size; col += 1) {
      if (!modules.get(row, col)) continue;
      const start = col;
      while (col + 1 < modules.size && modules.get(row, col + 1)) col += 1;
      doc.rect(at.x + start * MODULE, at.y + row * MODULE, (col - start + 1) * MODULE, MODULE);
    }
  }
  doc.fillColor('#000000').fill();

  const [heading, ...lines] = ratingCodeLines(code);
  const textX = at.x + side + 16;
  doc.font('bold').fontSize(11).text(heading, textX, at.y + 4, { width: at.width - side - 16 });
  doc.font('regular').fontSize(10);
  for (const line of lines) doc.moveDown(0.3).text(line, textX, doc.y, { width: at.width - side - 16, lineGap: 2 });
  doc.fontSize(URL_SIZE).fillColor('#333333').text(code.url, at.x, at.y + side + 6, { width: at.width, lineBreak: false });
  doc.fillColor('#000000');
}
