import type { IncomingMessage } from 'node:http';

/** The body is (or declares itself) larger than the limit; nothing of it is kept. */
export class BodyTooLarge extends Error {}

/** The body never arrived whole: the client left, or the server's request timeout cut it. */
export class BodyCut extends Error {}

/**
 * Reads a request body as UTF-8 text, up to `limit` bytes. A declared `content-length` over the
 * limit is refused before anything is read (the caller's 413 then closes the connection, which
 * discards the rest); a body cut off mid-way rejects instead of leaving the request pending.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    let complete = false;
    req.on('end', () => {
      complete = true;
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('close', () => {
      if (!complete) reject(new BodyCut());
    });
    req.on('error', () => reject(new BodyCut()));
  });
}
