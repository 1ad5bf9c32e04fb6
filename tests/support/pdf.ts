/** Reading the text of the PDFs OneWindow issues (pdfjs-dist), for the documents' and the workstation's tests. */

/** Every piece of text on every page of a PDF, joined as read, without white space. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  let text = '';
  for (let n = 1; n <= doc.numPages; n += 1) {
    const content = await (await doc.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('');
  }
  await doc.destroy();
  return text.replace(/\s+/g, '');
}

/**
 * The QR code on a PDF's page, read as a phone reads a printed copy: pdfjs-dist rasterises the page
 * (onto @napi-rs/canvas, its canvas in Node) and jsQR decodes the pixels. Undefined when none is found.
 */
export async function pdfQrCode(pdf: Buffer, pageNo = 1, scale = 2): Promise<string | undefined> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const jsqr = await import('jsqr');
  // jsQR is CommonJS: Node hands its module.exports (the function) over as the default export.
  const jsQR = jsqr.default as unknown as typeof jsqr.default.default;
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  try {
    const page = await doc.getPage(pageNo);
    const viewport = page.getViewport({ scale });
    type Context = Parameters<typeof page.render>[0]['canvasContext'];
    // pdfjs-dist's own canvas factory in Node (on @napi-rs/canvas, its optional dependency).
    const factory = (doc as unknown as { canvasFactory: { create(width: number, height: number): { context: Context } } }).canvasFactory;
    const { context } = factory.create(viewport.width, viewport.height);
    await page.render({ canvasContext: context, viewport }).promise;
    const { data, width, height } = context.getImageData(0, 0, viewport.width, viewport.height);
    return jsQR(new Uint8ClampedArray(data), width, height)?.data;
  } finally {
    await doc.destroy();
  }
}
