/**
 * A name for a received file that is safe to offer as a download: no path, no control or
 * direction-changing characters, no leading dot (a hidden file), not a reserved device name on
 * Windows, and not too long. The name comes from another person's browser and is untrusted.
 */
export function safeFileName(raw: string): string {
  let name = raw
    // Keep only the last path segment, whichever separator the sender's system used.
    .split(/[/\\]/)
    .pop()!
    // Control characters, and the bidi overrides that make "exe.txt" read as "txt.exe".
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    // Characters Windows refuses in file names.
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(name)) name = `_${name}`;
  if (name.length > 200) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = name.slice(0, 200 - extension.length) + extension;
  }
  return name || 'file';
}
