/** Text forms a binary value can take in a log line or an attribute: hex, and base64 / base64url at each byte alignment. */
export function binaryForms(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const forms = [buffer.toString('hex')];
  // base64 of a slice depends on where the slice starts: register all three alignments
  for (let offset = 0; offset < 3 && offset < buffer.length; offset++) {
    const slice = buffer.subarray(offset);
    const base64 = slice.toString('base64');
    const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
    // Node's base64url has no padding, as a URL or JWT carries it
    forms.push(base64.slice(0, base64.length - padding), slice.toString('base64url'));
  }
  return forms;
}

/** Lengths of the forms of an `n`-byte value, without making them. */
export function binaryFormLengths(n: number): number[] {
  const lengths = [2 * n];
  for (let offset = 0; offset < 3 && offset < n; offset++)
    lengths.push(Math.ceil((4 * (n - offset)) / 3));
  return lengths;
}

/** Characters of every form: hex, base64 and base64url digits. */
const FORM_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_')
  FORM_CHAR[c.charCodeAt(0)] = 1;

/** Does `text` hold a run of at least `length` characters that a form of a binary value could be made of? */
export function hasFormRun(text: string, length: number, from = 0, to = text.length): boolean {
  let run = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && FORM_CHAR[c] === 1) {
      if (++run >= length) return true;
    } else {
      run = 0;
      if (to - i - 1 < length) return false;
    }
  }
  return false;
}
