/**
 * Lists a new tool, resource or prompt in the user's own index file (`src/tools/index.ts` and its siblings): one
 * import line and one entry in the exported array, and nothing else of the file changes. Pure: text in, text out.
 * A file whose shape it does not recognise is refused with what to add by hand, never rewritten.
 */

export interface Registration {
  /** The array the index exports: `tools`, `resources`, `prompts`. */
  list: string;
  /** The identifier to import and list: `getForecast`. */
  id: string;
  /** The module, relative to the index: `./get-forecast.js`. */
  from: string;
}

export type RegisterResult = { ok: true; text: string } | { ok: false; reason: string };

/** The identifiers the index already imports (a name taken by the user's own code too). */
export function importedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"][^'"]+['"]/gm)) {
    for (const part of m[1]!.split(',')) {
      const local = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '')
        .trim();
      if (local) names.add(local);
    }
  }
  // Default and namespace imports: `import x from`, `import * as x from`, `import x, { y } from`.
  for (const m of text.matchAll(/^import\s+(?:type\s+)?(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s*(?:,|from\b)/gm))
    names.add(m[1]!);
  return names;
}

export function register(text: string, r: Registration): RegisterResult {
  const array = new RegExp(`(export\\s+const\\s+${r.list}\\b[^=]*=\\s*\\[)([\\s\\S]*?)(\\]\\s*;)`).exec(text);
  if (!array) return { ok: false, reason: `it has no \`export const ${r.list} = [...];\`` };
  const imports = [...text.matchAll(/^import\s[\s\S]*?from\s*['"][^'"]+['"];?[ \t]*$/gm)];
  const last = imports.at(-1);
  if (!last || last.index! > array.index) return { ok: false, reason: 'its imports are not at the top of the file' };

  const items = array[2]!;
  let listed: string;
  if (items.trim() === '') listed = r.id;
  else if (!items.includes('\n')) listed = `${items.trimEnd().replace(/,$/, '')}, ${r.id}`;
  else {
    // One entry per line: the new one goes last, indented like the others.
    const indent = /\n([ \t]+)\S/.exec(items)?.[1] ?? '  ';
    const body = items.replace(/\s*$/, '');
    listed = `${body}${body.endsWith(',') ? '' : ','}\n${indent}${r.id},\n`;
  }
  const head = array[1]!;
  let statement = `${head}${listed}${array[3]}`;
  // Prettier breaks an array that passes 100 columns into one entry per line.
  if (!listed.includes('\n') && lineAt(text, array.index).replace(array[0], statement).length > 100) {
    const entries = listed.split(',').map((e) => e.trim());
    statement = `${head}\n${entries.map((e) => `  ${e},`).join('\n')}\n${array[3]}`;
  }
  const importLine = `import { ${r.id} } from '${r.from}';`;
  const end = last.index! + last[0].length;
  const withArray = text.slice(0, array.index) + statement + text.slice(array.index + array[0].length);
  return { ok: true, text: `${withArray.slice(0, end)}\n${importLine}${withArray.slice(end)}` };
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end);
}
