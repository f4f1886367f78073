/**
 * Opening an existing project for `add`, `remove` and `upgrade`: its manifest, and a refusal to build on
 * unresolved conflicts. A file `--force` wrote with conflict markers is the user's to resolve; merging it again
 * would bury the markers in a second merge, and the project would not build (docs/ARCHITECTURE.md, "Merge rules").
 */
import { CliError, EXIT } from '../errors.js';
import { readManifest, type Manifest } from './manifest.js';
import { MARKER } from './merge.js';
import { readIfExists, safeJoin } from './paths.js';

/** The generated files (and .env) that still hold a conflict marker line as git writes them. */
export async function filesWithMarkers(root: string, m: Manifest): Promise<string[]> {
  const starts = [MARKER.ours.split(' ')[0]!, MARKER.theirs.split(' ')[0]!].map((m) => `${m} `);
  const paths = [...Object.keys(m.files), '.env'];
  const texts = await Promise.all(paths.map((p) => readIfExists(safeJoin(root, p))));
  return paths.filter((_, i) => (texts[i] ?? '').split('\n').some((line) => starts.some((s) => line.startsWith(s))));
}

/** The manifest of the project in `root`, once no file of it holds conflict markers (else exit 1, naming them). */
export async function openProject(root: string, command: string): Promise<Manifest> {
  const manifest = await readManifest(root);
  const marked = await filesWithMarkers(root, manifest);
  if (marked.length > 0) {
    throw new CliError(
      `${marked.length} file${marked.length > 1 ? 's' : ''} still hold${marked.length > 1 ? '' : 's'} conflict markers: ${marked.join(', ')}. Nothing was written.`,
      {
        exitCode: EXIT.failure,
        hint: `Resolve every ${MARKER.ours} ... ${MARKER.theirs} block (keep the lines you want, delete the marker lines), then run \`${command}\` again.`,
        details: { conflicts: marked },
      },
    );
  }
  return manifest;
}
