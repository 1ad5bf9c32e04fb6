/**
 * A document as a printable PDF (A4): title, number, addressee, body, the issuing centre's seal line
 * and date. The text is in Noto Sans SC (SIL Open Font License, from @expo-google-fonts/noto-sans-sc),
 * embedded as a subset, so the document looks the same on any machine, with or without Chinese fonts.
 * Rendering is deterministic: the same fields give the same bytes (the PDF's dates and file ID come
 * from the issue instant), so the copy kept is the copy printed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { DocumentFields } from '../../db/documents.js';
import { drawRatingCode, ratingCodeHeight } from './rating-code.js';
import { chineseDate, documentBody } from './text.js';

const require = createRequire(import.meta.url);
const fontFile = (weight: string) => require.resolve(`@expo-google-fonts/noto-sans-sc/NotoSansSC_${weight}.ttf`);

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** Read once per process (8 MB each); pdfkit embeds only the glyphs a document uses. */
const loadFonts = () => (fonts ??= { regular: readFileSync(fontFile('400Regular')), bold: readFileSync(fontFile('700Bold')) });

const A4_MARGINS = { top: 72, bottom: 72, left: 80, right: 80 };

export async function renderDocument(f: DocumentFields): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const issued = new Date(f.issuedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: A4_MARGINS,
    lang: 'zh-CN',
    displayTitle: true,
    info: { Title: `${f.title} ${f.number}`, Author: f.centre.name, Subject: f.applicationNo, Creator: 'OneWindow', Producer: 'OneWindow (PDFKit)', CreationDate: issued, ModDate: issued },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  const width = doc.page.width - A4_MARGINS.left - A4_MARGINS.right;

  doc.font('bold').fontSize(22).text(f.title, { align: 'center' });
  doc.moveDown(0.4).font('regular').fontSize(12).text(f.number, { align: 'center' });
  const y = doc.y + 8;
  doc.moveTo(A4_MARGINS.left, y).lineTo(A4_MARGINS.left + width, y).lineWidth(1).stroke();
  doc.y = y + 18;

  const { addressee, blocks } = documentBody(f);
  doc.font('regular').fontSize(13).text(addressee, A4_MARGINS.left, doc.y, { width });
  doc.moveDown(0.5);
  for (const block of blocks) {
    if ('paragraph' in block) doc.text(block.paragraph, { width, indent: 26, lineGap: 5, paragraphGap: 8, align: 'justify' });
    else for (const line of block.list) doc.text(line, A4_MARGINS.left + 26, doc.y, { width: width - 26, lineGap: 4, paragraphGap: 4 });
    doc.x = A4_MARGINS.left;
  }

  // The seal line (落款): the issuing centre and the day, right-aligned, with room for the seal.
  doc.moveDown(2.5);
  doc.text(`${f.centre.name}（印章）`, A4_MARGINS.left, doc.y, { width, align: 'right' });
  doc.moveDown(0.3).text(chineseDate(f.issuedOn), { width, align: 'right' });

  // The rating code (好差评) under the seal line, on a page of its own only when it does not fit.
  if (f.rating) {
    let top = doc.y + 24;
    if (top + ratingCodeHeight(f.rating) > doc.page.height - A4_MARGINS.bottom) {
      doc.addPage();
      top = A4_MARGINS.top;
    }
    drawRatingCode(doc, f.rating, { x: A4_MARGINS.left, y: top, width });
  }

  // The footer sits in the bottom margin; with the margin lifted pdfkit does not start a page for it.
  doc.page.margins.bottom = 0;
  const footer = `申请编号：${f.applicationNo}　事项：${f.item.name}　受理部门：${f.department.name}`;
  doc.fontSize(9).fillColor('#555555').text(footer, A4_MARGINS.left, doc.page.height - A4_MARGINS.bottom + 20, { width, align: 'center', lineBreak: false });
  doc.end();
  return done;
}
