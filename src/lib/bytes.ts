/** UTF-8 byte length of a string without allocating (beacon and keepalive limits are bytes). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 2; // a surrogate pair is 4 bytes for 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}
