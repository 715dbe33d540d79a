/**
 * Splits one CSV line (RFC 4180: comma-separated, fields optionally in double quotes, "" for a
 * quote inside). A record spanning several lines is not supported: the line is reported bad.
 * Returns null when the quoting is broken.
 */
export function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const next = line.indexOf('"', i);
        if (next === -1) return null;
        value += line.slice(i, next);
        if (line[next + 1] === '"') {
          value += '"';
          i = next + 2;
        } else {
          i = next + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') return null;
      i += 1;
    } else {
      const next = line.indexOf(',', i);
      if (next === -1) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, next));
      i = next + 1;
    }
  }
}
