// How many bytes an LZW or RunLength stream decodes to, counted without producing them: the bomb
// check for the two filters zlib cannot count for us. Both stop as soon as the count passes `cap`;
// corrupt data counts up to where it breaks (what a decoder would have produced by then).

/** RunLengthDecode: a length byte n < 128 copies n + 1 bytes, n > 128 repeats one byte 257 − n times. */
export function runLengthDecodedSize(raw: Uint8Array, cap: number): number {
  let out = 0;
  let i = 0;
  while (i < raw.length && out <= cap) {
    const n = raw[i];
    if (n === 128) break; // end of data
    if (n < 128) {
      const take = Math.min(n + 1, raw.length - i - 1);
      out += take;
      i += 1 + n + 1;
    } else {
      if (i + 1 >= raw.length) break;
      out += 257 - n;
      i += 2;
    }
  }
  return out;
}

/**
 * LZWDecode (PDF/TIFF flavour: 9–12-bit codes, MSB first, 256 clear, 257 end). A code's output is its
 * table entry, whose length is one more than the entry it extends, so a table of lengths is enough.
 * `earlyChange` is the filter's /EarlyChange (default 1).
 */
export function lzwDecodedSize(raw: Uint8Array, cap: number, earlyChange = 1): number {
  const lens = new Uint32Array(4096);
  let width = 9;
  let next = 258;
  let prev = -1; // length of the previous code's output; -1 right after a clear
  let out = 0;
  let bitBuf = 0;
  let bits = 0;
  let pos = 0;
  while (out <= cap) {
    while (bits < width && pos < raw.length) {
      bitBuf = ((bitBuf << 8) | raw[pos++]) >>> 0;
      bits += 8;
    }
    if (bits < width) break;
    const code = (bitBuf >>> (bits - width)) & ((1 << width) - 1);
    bits -= width;
    bitBuf &= (1 << bits) - 1;
    if (code === 256) {
      width = 9;
      next = 258;
      prev = -1;
      continue;
    }
    if (code === 257) break;
    let len: number;
    if (code < 256) len = 1;
    else if (code < next && prev >= 0) len = lens[code];
    else if (code === next && prev >= 0) len = prev + 1;
    else break; // a code not yet defined: corrupt
    out += len;
    if (prev >= 0 && next < 4096) lens[next++] = prev + 1;
    prev = len;
    if (next + earlyChange >= 1 << width && width < 12) width++;
  }
  return out;
}
